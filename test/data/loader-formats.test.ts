import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { strToU8, zipSync } from 'fflate';
import { DataLoader } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const CSV = 'carat,cut,price\n0.23,Ideal,326\n0.21,Premium,\n0.29,,334\n';
const EXPECTED = [
  { carat: 0.23, cut: 'Ideal', price: 326 },
  { carat: 0.21, cut: 'Premium', price: null },
  { carat: 0.29, cut: null, price: 334 },
];

function zipDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('tabflow-zip-'));
}

describe('DataLoader formats', () => {
  let parquet = '';
  before(async () => {
    // Parquet written by DuckDB itself, with integer, decimal, date, boolean and text columns.
    parquet = tmp.path('data.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(
      `COPY (SELECT i::INTEGER AS id, (i * 1.5)::DECIMAL(10,2) AS amount, i::BIGINT * 1000 AS big,
        DATE '2020-01-01' + i::INTEGER AS day, i % 2 = 0 AS even,
        CASE WHEN i = 2 THEN NULL ELSE 'g' || (i % 3) END AS grp
        FROM range(5) t(i)) TO '${parquet}' (FORMAT parquet)`,
    );
    con.closeSync();
    db.closeSync();
  });

  test('Parquet: integer/decimal/bigint → numeric, date → datetime, boolean, text → categorical', async () => {
    const { frame, report } = await DataLoader.load(parquet);
    assert.equal(report.format, 'parquet');
    assert.deepEqual(
      report.columns.map((c) => [c.name, c.type, c.missing]),
      [
        ['id', 'numeric', 0],
        ['amount', 'numeric', 0],
        ['big', 'numeric', 0],
        ['day', 'datetime', 0],
        ['even', 'boolean', 0],
        ['grp', 'categorical', 1],
      ],
    );
    assert.deepEqual(frame.toRecords()[3], {
      id: 3,
      amount: 4.5,
      big: 3000,
      day: '2020-01-04T00:00:00.000Z',
      even: false,
      grp: 'g0',
    });
  });

  test('Parquet under another extension is read with format: parquet', async () => {
    const { readFileSync } = await import('node:fs');
    const other = tmp.write('data.bin', readFileSync(parquet));
    const { frame } = await DataLoader.load(other, { format: 'parquet' });
    assert.equal(frame.nRows, 5);
  });

  test('JSON array and NDJSON/JSONL give the same frame as the CSV', async () => {
    const csv = await DataLoader.load(tmp.write('d.csv', CSV));
    assert.deepEqual(csv.frame.toRecords(), EXPECTED);
    const json = await DataLoader.load(tmp.write('d.json', JSON.stringify(EXPECTED)));
    assert.deepEqual(json.frame.toRecords(), EXPECTED);
    assert.equal(json.report.format, 'json');
    const lines = `${EXPECTED.map((r) => JSON.stringify(r)).join('\n')}\n`;
    for (const name of ['d.ndjson', 'd.jsonl']) {
      const nd = await DataLoader.load(tmp.write(name, lines));
      assert.deepEqual(nd.frame.toRecords(), EXPECTED);
      assert.equal(nd.report.format, 'ndjson');
    }
  });

  test('JSON: string "true"/"false" → boolean, ISO strings → datetime, "NA" → missing', async () => {
    const rows = [
      { flag: 'true', at: '2020-01-01T10:00:00Z', x: 'NA' },
      { flag: 'false', at: '2020-01-02', x: 'b' },
    ];
    const { frame } = await DataLoader.load(tmp.write('s.json', JSON.stringify(rows)));
    assert.equal(frame.typeOf('flag'), 'boolean');
    assert.equal(frame.typeOf('at'), 'datetime');
    assert.deepEqual(
      frame.toRecords().map((r) => [r.flag, r.at, r.x]),
      [
        [true, '2020-01-01T10:00:00.000Z', null],
        [false, '2020-01-02T00:00:00.000Z', 'b'],
      ],
    );
  });

  test('ZIP with one CSV: extracted, read, temp files removed; report names the entry', async () => {
    const before = zipDirs().length;
    const path = tmp.write(
      'one.zip',
      zipSync({ 'folder/diamonds.csv': strToU8(CSV), 'README.md': strToU8('hi') }),
    );
    const { frame, report } = await DataLoader.load(path);
    assert.deepEqual(frame.toRecords(), EXPECTED);
    assert.equal(report.format, 'zip');
    assert.equal(report.zipEntry, 'folder/diamonds.csv');
    assert.equal(report.entryFormat, 'csv');
    assert.equal(zipDirs().length, before);
  });

  test('ZIP with several data files: zipEntry picks one (full name or unique base name)', async () => {
    const path = tmp.write(
      'two.zip',
      zipSync({
        'a.csv': strToU8('x\n1\n'),
        'sub/b.parquet': new Uint8Array(0),
        'b.json': strToU8('[{"y":2}]'),
      }),
    );
    assert.deepEqual((await DataLoader.load(path, { zipEntry: 'a.csv' })).frame.toRecords(), [{ x: 1 }]);
    assert.deepEqual((await DataLoader.load(path, { zipEntry: 'b.json' })).frame.toRecords(), [{ y: 2 }]);
  });

  test('ZIP holding Parquet', async () => {
    const { readFileSync } = await import('node:fs');
    const path = tmp.write('pq.zip', zipSync({ 'data.parquet': new Uint8Array(readFileSync(parquet)) }));
    const { frame, report } = await DataLoader.load(path);
    assert.equal(frame.nRows, 5);
    assert.equal(report.entryFormat, 'parquet');
  });
});
