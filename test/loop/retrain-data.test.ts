import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cellValue } from '../../src/data/frame.js';
import { DataLoader } from '../../src/data/loader.js';
import { csvLine } from '../../src/data/write-csv.js';
import { buildRetrainData } from '../../src/loop/retrain-data.js';
import { DATA_DIR } from '../helpers/datasets.js';

const DIAMONDS = join(DATA_DIR, 'diamonds.csv');

describe('retrain data', () => {
  it('CSV cells read back to the same values, tricky text included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-csv-'));
    const rows = [
      ['a,b', 1.5, true],
      ['say "hi"', 1e-7, false],
      [' padded ', 123456789.125, null],
      ['line\nbreak', -0.1, true],
      [null, null, false],
    ];
    writeFileSync(join(dir, 'x.csv'), csvLine(['s', 'x', 'b']) + rows.map((r) => csvLine(r)).join(''));
    const f = (await DataLoader.load(join(dir, 'x.csv'))).frame;
    for (let i = 0; i < rows.length; i++) {
      assert.deepEqual(
        ['s', 'x', 'b'].map((c) => cellValue(f.get(c), i)),
        rows[i],
        `row ${i}`,
      );
    }
  });

  it('appends a new file and feedback rows to the champion data, in its column order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-retrain-'));
    const base = (await DataLoader.load(DIAMONDS)).frame;
    const header = [...base.names];
    // New rows in another column order: the writer puts them in the base order.
    const shuffled = [...header].reverse();
    const fresh = [
      {
        carat: 2.5,
        cut: 'Ideal',
        color: 'E',
        clarity: 'VS1',
        depth: 61,
        table: 57,
        price: 19000,
        x: 8.7,
        y: 8.7,
        z: 5.3,
      },
    ];
    writeFileSync(
      join(dir, 'new.csv'),
      csvLine(shuffled) +
        fresh.map((r) => csvLine(shuffled.map((c) => (r as Record<string, string | number>)[c]))).join(''),
    );
    const report = await buildRetrainData({
      basePath: DIAMONDS,
      loadOptions: { target: 'price' },
      target: 'price',
      newData: join(dir, 'new.csv'),
      feedback: {
        n: 2,
        records: [
          {
            carat: 3.01,
            cut: 'Premium',
            color: 'J',
            clarity: 'SI2',
            depth: '62.1',
            table: 58,
            x: 9.1,
            y: 9,
            z: 5.6,
          },
          {
            carat: 1.2,
            cut: 'Good',
            color: 'H',
            clarity: 'SI1',
            depth: 63,
            table: 56,
            x: 6.7,
            y: 6.7,
            z: 4.2,
            extra: 1,
          },
        ],
        actual: Float64Array.of(15000, 5200),
      },
      outDir: join(dir, 'data'),
      now: new Date('2026-11-26T10:00:00Z'),
    });
    assert.equal(report.rows.base, base.nRows);
    assert.equal(report.rows.total, base.nRows + 3);
    assert.match(report.path, /retrain-20261126-100000\.csv$/);
    const all = (await DataLoader.load(report.path)).frame;
    assert.deepEqual([...all.names], header);
    assert.equal(all.nRows, base.nRows + 3);
    const n = base.nRows;
    const cell = (c: string, i: number) => cellValue(all.get(c), i);
    assert.equal(cell('price', 0), cellValue(base.get('price'), 0));
    assert.equal(cell('carat', n), 2.5);
    assert.equal(cell('price', n), 19000);
    assert.equal(cell('price', n + 1), 15000, 'the actual became the target');
    assert.equal(cell('depth', n + 1), 62.1, 'a numeric string from a client reads back as a number');
    assert.equal(cell('cut', n + 2), 'Good');
  });

  it('refuses new rows without the target or with other columns, and an empty retrain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-retrain-'));
    writeFileSync(join(dir, 'nolabel.csv'), 'carat,cut\n1,Ideal\n');
    const common = { basePath: DIAMONDS, loadOptions: { target: 'price' }, target: 'price', outDir: dir };
    await assert.rejects(
      buildRetrainData({ ...common, newData: join(dir, 'nolabel.csv') }),
      /no target column "price"/,
    );
    writeFileSync(join(dir, 'cols.csv'), 'carat,price,colour\n1,300,E\n');
    await assert.rejects(
      buildRetrainData({ ...common, newData: join(dir, 'cols.csv') }),
      /missing: cut, color.*not in the training data: colour/,
    );
    await assert.rejects(buildRetrainData(common), /Nothing new to retrain on/);
    await assert.rejects(
      buildRetrainData({ ...common, basePath: join(dir, 'gone.csv') }),
      /gone\.csv, which no longer exists/,
    );
  });
});
