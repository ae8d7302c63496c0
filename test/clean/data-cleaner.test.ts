import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataCleaner, resolveCleanConfig } from '../../src/clean/index.js';
import { DataError } from '../../src/core/errors.js';
import { type CategoricalColumn, categorical, Frame, numeric } from '../../src/data/frame.js';
import { readBundled } from '../helpers/csv-frame.js';

const cleaner = (raw: unknown = {}) => new DataCleaner(resolveCleanConfig(raw));

/** Replace one column of a frame by a categorical built from per-row strings. */
function withText(frame: Frame, name: string, f: (i: number, old: string | null) => string | null): Frame {
  const vals = Array.from({ length: frame.nRows }, (_, i) => f(i, frame.cell(name, i) as string | null));
  return frame.withColumn(name, categorical(vals));
}

function levelCounts(col: CategoricalColumn): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of col.codes) if (c >= 0) m.set(col.dictionary[c], (m.get(col.dictionary[c]) ?? 0) + 1);
  return m;
}

describe('DataCleaner on diamonds', () => {
  const diamonds = readBundled('diamonds');

  test('drops the 146 exact duplicate rows and keeps first occurrences', () => {
    const { frame, report } = cleaner().clean(diamonds, 'price');
    assert.equal(report.rowsBefore, 53940);
    assert.equal(report.duplicatesDropped, 146);
    assert.equal(report.rowsAfter, 53794);
    assert.equal(frame.nRows, 53794);
    // Independent check: string keys of every row, first occurrence kept, same order.
    const seen = new Set<string>();
    const expected: string[] = [];
    for (const r of diamonds.toRecords()) {
      const k = JSON.stringify(Object.values(r));
      if (!seen.has(k)) {
        seen.add(k);
        expected.push(k);
      }
    }
    const got = frame.toRecords().map((r) => JSON.stringify(Object.values(r)));
    assert.deepEqual(got, expected);
  });

  test('drop_duplicates: false keeps them', () => {
    const { report } = cleaner({ drop_duplicates: false }).clean(diamonds, 'price');
    assert.equal(report.duplicatesDropped, 0);
    assert.equal(report.rowsAfter, 53940);
  });

  test('rows with a missing target are dropped and counted apart from duplicates', () => {
    const price = new Float64Array((diamonds.get('price') as { values: Float64Array }).values);
    // Row 0 is unique; rows 1..5 blanked. Make row 7 a duplicate of row 6 with both targets missing.
    for (let i = 1; i <= 5; i++) price[i] = Number.NaN;
    const base = diamonds.withColumn('price', { type: 'numeric', values: price });
    const dupRow = base.take(Uint32Array.from([6]));
    const idx = Uint32Array.from({ length: base.nRows + 1 }, (_, k) => (k <= 7 ? (k === 7 ? 6 : k) : k - 1));
    const frame = base.take(idx);
    assert.deepEqual(frame.toRecords(8)[7], dupRow.toRecords()[0]);
    const p2 = new Float64Array((frame.get('price') as { values: Float64Array }).values);
    p2[6] = Number.NaN;
    p2[7] = Number.NaN;
    const withDup = frame.withColumn('price', { type: 'numeric', values: p2 });
    const { frame: out, report } = cleaner().clean(withDup, 'price');
    assert.equal(report.duplicatesDropped, 147); // 146 + the copy of row 6
    assert.equal(report.missingTargetDropped, 6); // rows 1..5 and row 6
    assert.equal(out.nRows, withDup.nRows - 153);
    const y = (out.get('price') as { values: Float64Array }).values;
    assert.ok(y.every((v) => !Number.isNaN(v)));

    const kept = cleaner({ drop_missing_target: false }).clean(withDup, 'price').report;
    assert.equal(kept.missingTargetDropped, 0);
    assert.equal(kept.rowsAfter, withDup.nRows - 147);
  });

  test('a price column read as text is fixed to numeric; unparseable cells are counted', () => {
    const bad = new Set([10, 20, 30]);
    const text = withText(diamonds, 'price', (i, v) =>
      bad.has(i) ? 'n.a.' : i === 40 ? ' 1,234 ' : String(v),
    );
    assert.throws(
      () => cleaner().clean(text, 'price'),
      (e: unknown) =>
        e instanceof DataError &&
        /"price" is categorical/.test(e.message) &&
        /cleaning\.types\.price: numeric/.test(e.message),
    );
    const { frame, report } = cleaner({ types: { price: 'numeric' } }).clean(text, 'price');
    assert.deepEqual(report.columns.price.typeFixed, { from: 'categorical', to: 'numeric', unparseable: 4 });
    assert.equal(frame.typeOf('price'), 'numeric');
    // The 4 unparseable targets are then dropped as missing targets.
    assert.equal(report.missingTargetDropped, 4);
    assert.equal(frame.cell('price', 0), 326);
  });

  test('drop_columns removes columns, is reported, and names unknown columns', () => {
    const { frame, report } = cleaner({ drop_columns: ['x', 'y', 'z'] }).clean(diamonds, 'price');
    assert.deepEqual(frame.names, ['carat', 'cut', 'color', 'clarity', 'depth', 'table', 'price']);
    assert.deepEqual(report.columnsDropped, ['x', 'y', 'z']);
    // Fewer columns → more rows count as duplicates.
    assert.ok(report.duplicatesDropped > 146);
    assert.throws(
      () =>
        cleaner({ drop_columns: ['X', 'depth'], types: { colour: 'categorical' } }).clean(diamonds, 'price'),
      (e: unknown) =>
        e instanceof DataError &&
        /"X", "colour"/.test(e.message) &&
        /columns are: carat, cut, color/.test(e.message),
    );
    assert.throws(
      () => cleaner({ drop_columns: ['price'] }).clean(diamonds, 'price'),
      /drop_columns lists the target "price"/,
    );
    assert.throws(() => cleaner().clean(diamonds, 'Price'), /"Price" \(target\)/);
  });

  test('does not modify its input and returns a plain-JSON report', () => {
    const before = diamonds.toRecords(3);
    const { report } = cleaner().clean(diamonds, 'price');
    assert.deepEqual(diamonds.toRecords(3), before);
    assert.equal(diamonds.nRows, 53940);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });
});

describe('DataCleaner on ames', () => {
  const ames = readBundled('ames');
  const saleType = ames.get('Sale_Type') as CategoricalColumn;
  const wdRaw = levelCounts(saleType).get('WD ')!;

  test("trims 'WD ' in Sale_Type; a level that becomes equal merges", () => {
    assert.equal(wdRaw, 2536);
    // Realistic mess: some rows typed without the trailing space, some with a leading one.
    const messy = withText(ames, 'Sale_Type', (i, v) =>
      v === 'WD ' && i % 7 === 0 ? 'WD' : v === 'New' && i % 5 === 0 ? ' New' : v,
    );
    const before = levelCounts(messy.get('Sale_Type') as CategoricalColumn);
    const nWdSpace = before.get('WD ')!;
    const nNewSpace = before.get(' New')!;
    assert.ok(before.get('WD')! > 0 && nNewSpace > 0);
    const { frame, report } = cleaner().clean(messy, 'Sale_Price');
    const after = levelCounts(frame.get('Sale_Type') as CategoricalColumn);
    assert.equal(after.get('WD'), 2536);
    assert.equal(after.get('New'), 239);
    assert.equal(after.has('WD '), false);
    assert.equal(after.has(' New'), false);
    assert.equal((frame.get('Sale_Type') as CategoricalColumn).dictionary.length, before.size - 2);
    assert.equal(report.columns.Sale_Type.trimmed, nWdSpace + nNewSpace);

    const raw = cleaner({ trim_strings: false }).clean(messy, 'Sale_Price');
    assert.equal(raw.report.columns.Sale_Type, undefined);
    assert.equal(levelCounts(raw.frame.get('Sale_Type') as CategoricalColumn).get('WD '), nWdSpace);
  });

  test('rows equal only after trimming count as duplicates', () => {
    const idx = Uint32Array.from({ length: ames.nRows + 1 }, (_, k) => (k < ames.nRows ? k : 0));
    const twin = withText(ames.take(idx), 'Sale_Type', (i, v) =>
      i === ames.nRows ? (v as string).trim() : v,
    );
    assert.equal(twin.cell('Sale_Type', 0), 'WD ');
    assert.equal(twin.cell('Sale_Type', ames.nRows), 'WD');
    assert.equal(cleaner().clean(twin, 'Sale_Price').report.duplicatesDropped, 1);
    assert.equal(cleaner({ trim_strings: false }).clean(twin, 'Sale_Price').report.duplicatesDropped, 0);
  });

  test("missing tokens ('None', 'NA', ...) become missing, with a configurable list", () => {
    const noneCount = levelCounts(ames.get('Mas_Vnr_Type') as CategoricalColumn).get('None')!;
    assert.ok(noneCount > 1000);
    const messy = withText(ames, 'Alley', (i, v) => (i % 100 === 0 ? ' NA ' : i % 101 === 0 ? 'null' : v));
    const { frame, report } = cleaner().clean(messy, 'Sale_Price');
    assert.equal(report.columns.Mas_Vnr_Type.missingTokens, noneCount);
    assert.equal(frame.cell('Mas_Vnr_Type', 0), 'Stone');
    const nAlley = 30 + 29; // multiples of 100 (0..2900), of 101 (101..2929)
    assert.equal(report.columns.Alley.missingTokens, nAlley);
    assert.equal(report.columns.Alley.trimmed, 30);
    const alley = frame.get('Alley') as CategoricalColumn;
    assert.equal(alley.codes.filter((c) => c < 0).length, nAlley);
    assert.ok(!alley.dictionary.includes('null') && !alley.dictionary.includes('NA'));

    const custom = cleaner({ missing_tokens: ['null'] }).clean(messy, 'Sale_Price').report;
    assert.equal(custom.columns.Alley.missingTokens, 29);
    assert.equal(custom.columns.Mas_Vnr_Type, undefined);
  });

  test('type fixes: text years → numeric, Y/N → boolean, ISO dates → datetime, with unparseable counts', () => {
    let f = withText(ames, 'Year_Built', (i, v) => (i === 3 ? '19O5' : i === 4 ? '' : String(v)));
    f = withText(f, 'Central_Air', (i, v) => (i === 9 ? 'maybe' : v));
    const sold = Array.from({ length: ames.nRows }, (_, i) => {
      const m = ames.cell('Mo_Sold', i) as number;
      return i === 11 ? '2010-13-01' : `${ames.cell('Year_Sold', i)}-${String(m).padStart(2, '0')}-01`;
    });
    f = f.withColumn('Sold', categorical(sold));
    const types = {
      Year_Built: 'numeric',
      Central_Air: 'boolean',
      Sold: 'datetime',
      Lot_Area: 'categorical',
    };
    const { frame, report } = cleaner({ types }).clean(f, 'Sale_Price');
    // '' is a missing token, so only '19O5' is unparseable.
    assert.deepEqual(report.columns.Year_Built, {
      trimmed: 0,
      missingTokens: 1,
      typeFixed: { from: 'categorical', to: 'numeric', unparseable: 1 },
    });
    assert.deepEqual(report.columns.Central_Air.typeFixed, {
      from: 'categorical',
      to: 'boolean',
      unparseable: 1,
    });
    assert.deepEqual(report.columns.Sold.typeFixed, { from: 'categorical', to: 'datetime', unparseable: 1 });
    assert.deepEqual(report.columns.Lot_Area.typeFixed, {
      from: 'numeric',
      to: 'categorical',
      unparseable: 0,
    });
    assert.equal(frame.cell('Year_Built', 0), ames.cell('Year_Built', 0));
    assert.equal(frame.cell('Year_Built', 3), null);
    assert.equal(frame.cell('Central_Air', 0), ames.cell('Central_Air', 0) === 'Y');
    assert.equal(frame.cell('Central_Air', 9), null);
    assert.equal(
      frame.cell('Sold', 0),
      `${ames.cell('Year_Sold', 0)}-${String(ames.cell('Mo_Sold', 0)).padStart(2, '0')}-01T00:00:00.000Z`,
    );
    assert.equal(frame.cell('Sold', 11), null);
    assert.equal(frame.cell('Lot_Area', 0), String(ames.cell('Lot_Area', 0)));
    assert.equal(frame.typeOf('Year_Built'), 'numeric');
    // A type the column already has is not a change.
    assert.equal(
      cleaner({ types: { Lot_Area: 'numeric' } }).clean(ames, 'Sale_Price').report.columns.Lot_Area,
      undefined,
    );
  });
});

describe('DataCleaner edge cases', () => {
  test('missing equals missing and 0 equals -0 for duplicates; NaN rows are not confused with values', () => {
    const f = new Frame(
      ['a', 'b', 'y'],
      [
        numeric([1, null, null, 0, -0, 2, 2]),
        categorical(['x', null, null, 'z', 'z', null, 'x']),
        numeric([1, 2, 2, 3, 3, 4, 4]),
      ],
    );
    const { frame, report } = cleaner().clean(f, 'y');
    assert.equal(report.duplicatesDropped, 2);
    assert.deepEqual(
      frame.toRecords().map((r) => r.y),
      [1, 2, 3, 4, 4],
    );
  });

  test('many distinct rows: no false duplicates', () => {
    const n = 200_000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = i % 1000;
      b[i] = Math.floor(i / 1000) + 0.5;
    }
    const f = new Frame(
      ['a', 'b'],
      [
        { type: 'numeric', values: a },
        { type: 'numeric', values: b },
      ],
    );
    assert.equal(cleaner().clean(f, 'b').report.duplicatesDropped, 0);
  });

  test('a boolean target is rejected; no rows left is an error', () => {
    const f = new Frame(['x', 'y'], [numeric([1, 2]), { type: 'boolean', values: Uint8Array.from([0, 1]) }]);
    assert.throws(() => cleaner().clean(f, 'y'), /"y" is boolean after cleaning/);
    const g = new Frame(['x', 'y'], [numeric([1, 2]), numeric([null, null])]);
    assert.throws(
      () => cleaner().clean(g, 'y'),
      (e: unknown) => e instanceof DataError && /No rows left/.test(e.message),
    );
  });

  test('unsupported conversions fail naming the key', () => {
    const f = new Frame(
      ['d', 'y'],
      [{ type: 'datetime', values: Float64Array.from([0, 1]) }, numeric([1, 2])],
    );
    assert.throws(
      () => cleaner({ types: { d: 'boolean' } }).clean(f, 'y'),
      /cleaning\.types\.d: cannot convert a datetime column to boolean/,
    );
  });
});
