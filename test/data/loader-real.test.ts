/** The bundled real datasets, read through the public API. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type CategoricalColumn, DataLoader, type NumericColumn } from '../../src/data/index.js';
import { DATA_DIR } from '../helpers/datasets.js';

describe('DataLoader on the bundled datasets', () => {
  test('diamonds.csv: 53,940 rows; cut/color/clarity categorical; price numeric, matching the file', async () => {
    const path = `${DATA_DIR}diamonds.csv`;
    const { frame, report } = await DataLoader.load(path, { target: 'price' });
    assert.equal(frame.nRows, 53_940);
    assert.deepEqual(frame.names, [
      'carat',
      'cut',
      'color',
      'clarity',
      'depth',
      'table',
      'price',
      'x',
      'y',
      'z',
    ]);
    for (const c of ['cut', 'color', 'clarity']) assert.equal(frame.typeOf(c), 'categorical');
    for (const c of ['carat', 'depth', 'table', 'price', 'x', 'y', 'z'])
      assert.equal(frame.typeOf(c), 'numeric');
    assert.ok(report.columns.every((c) => c.missing === 0));
    const cut = frame.get('cut') as CategoricalColumn;
    assert.deepEqual([...cut.dictionary].sort(), ['Fair', 'Good', 'Ideal', 'Premium', 'Very Good']);
    // Spot-check against a naive parse of the same file.
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const price = frame.get('price') as NumericColumn;
    let sum = 0;
    for (let i = 1; i < lines.length; i++) sum += Number(lines[i].split(',')[6]);
    assert.equal(
      price.values.reduce((a, b) => a + b, 0),
      sum,
    );
    for (const i of [0, 1, 12_345, 53_939]) {
      const f = lines[i + 1].split(',');
      assert.equal(frame.cell('clarity', i), f[3].replace(/"/g, ''));
      assert.equal(frame.cell('carat', i), Number(f[0]));
    }
  });

  test('ames.csv: 2,930 rows, numeric Sale_Price, text kept untrimmed for the cleaner', async () => {
    const { frame, report } = await DataLoader.load(`${DATA_DIR}ames.csv`, { target: 'Sale_Price' });
    assert.equal(frame.nRows, 2930);
    assert.equal(frame.nCols, 74);
    assert.equal(frame.typeOf('Sale_Price'), 'numeric');
    assert.equal(frame.typeOf('Neighborhood'), 'categorical');
    assert.equal(frame.typeOf('Lot_Area'), 'numeric');
    assert.equal(frame.typeOf('Longitude'), 'numeric');
    assert.equal(frame.cell('MS_SubClass', 0), 'One_Story_1946_and_Newer_All_Styles');
    assert.equal(frame.cell('Sale_Type', 0), 'WD ');
    assert.equal(report.columns.length, 74);
    const types = new Set(report.columns.map((c) => c.type));
    assert.deepEqual([...types].sort(), ['categorical', 'numeric']);
  });

  test('concrete.csv: all numeric', async () => {
    const { frame } = await DataLoader.load(`${DATA_DIR}concrete.csv`, { target: 'compressive_strength' });
    assert.equal(frame.nRows, 1030);
    assert.ok(frame.names.every((n) => frame.typeOf(n) === 'numeric'));
  });
});
