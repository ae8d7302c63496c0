/**
 * Every bad input the DataLoader can meet: a DataError (never a raw DuckDB/yauzl error) whose
 * message names the file, line or column at fault.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { DataError } from '../../src/core/errors.js';
import { DataLoader, type LoadOptions } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

async function rejectsWith(
  path: string,
  code: string,
  patterns: RegExp[],
  opts?: LoadOptions,
): Promise<void> {
  await assert.rejects(DataLoader.load(path, opts), (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    assert.doesNotMatch(e.message, /LINE 1:|SELECT|read_csv|sniff/, 'no SQL in user-facing messages');
    return true;
  });
}

describe('DataLoader bad input', () => {
  test('missing file names the path', async () => {
    await rejectsWith(tmp.path('nope.csv'), 'file_not_found', [/nope\.csv/, /does not exist/]);
  });

  test('unknown extension lists the allowed ones and names data.format; an unknown format override too', async () => {
    const path = tmp.write('data.dat', 'a,b\n1,2\n');
    await rejectsWith(path, 'unknown_extension', [
      /data\.dat/,
      /\.dat/,
      /\.csv/,
      /\.parquet/,
      /\.jsonl/,
      /data\.format/,
    ]);
    await rejectsWith(path, 'unknown_format', [/"excel"/, /csv, zip, parquet, json, ndjson/], {
      format: 'excel' as LoadOptions['format'],
    });
  });

  test('empty file, and a file of only a BOM and blank lines', async () => {
    await rejectsWith(tmp.write('empty.csv', ''), 'empty_file', [/empty\.csv/, /empty/]);
    await rejectsWith(tmp.write('blank.csv', '\uFEFF\n\n'), 'empty_file', [/blank\.csv/]);
    await rejectsWith(tmp.write('empty.json', ''), 'empty_file', [/empty\.json/]);
  });

  test('header only: names the columns and says there are no rows', async () => {
    await rejectsWith(tmp.write('hdr.csv', 'a,b,c\n'), 'no_rows', [/hdr\.csv/, /a, b, c/, /no data rows/]);
    await rejectsWith(tmp.write('none.json', '[]'), 'no_rows', [/none\.json/]);
  });

  for (const csvEngine of ['tabflow', 'duckdb'] as const) {
    test(`ragged rows: which line, how many fields, how many expected (${csvEngine})`, async () => {
      const short = tmp.write('short.csv', 'a,b,c\n1,2,3\n"x\ny",5\n6,7,8\n');
      await rejectsWith(short, 'ragged_rows', [/short\.csv/, /Line 3/, /has 2 fields/, /header has 3/], {
        csvEngine,
      });
      const long = tmp.write('long.csv', 'a,b,c\n1,2,3\n\n4,5,6,7\n');
      await rejectsWith(long, 'ragged_rows', [/Line 4/, /has 4 fields/, /header has 3/], { csvEngine });
    });
  }

  test('an unclosed quote or text after a closing quote names the line', async () => {
    await rejectsWith(tmp.write('open.csv', 'a,b\n1,2\n3,"never closed\n4,5\n'), 'unclosed_quote', [
      /open\.csv/,
      /line 3/,
    ]);
    await rejectsWith(tmp.write('after.csv', 'a,b\n1,2\n3,"x"y\n'), 'malformed_quote', [
      /after\.csv/,
      /Line 3/,
    ]);
  });

  test('duplicate column names are listed', async () => {
    await rejectsWith(tmp.write('dup.csv', 'a,b,a,c,b\n1,2,3,4,5\n'), 'duplicate_columns', [
      /dup\.csv/,
      /"a" \(2 times\)/,
      /"b" \(2 times\)/,
    ]);
  });

  test('target absent lists the columns', async () => {
    await rejectsWith(tmp.write('t.csv', 'x,y\n1,2\n'), 'missing_target', [/"price"/, /t\.csv/, /x, y/], {
      target: 'price',
    });
  });

  test('non-numeric target gives its inferred type and example values', async () => {
    await rejectsWith(
      tmp.write('cat.csv', 'x,cut\n1,Ideal\n2,Premium\n3,Ideal\n'),
      'target_not_numeric',
      [/"cut"/, /categorical/, /"Ideal"/, /"Premium"/],
      { target: 'cut' },
    );
    await rejectsWith(
      tmp.write('b.csv', 'x,ok\n1,true\n2,false\n'),
      'target_not_numeric',
      [/"ok"/, /boolean/],
      {
        target: 'ok',
      },
    );
  });

  test('a column with no values is named, with the advice to drop it', async () => {
    await rejectsWith(tmp.write('hole.csv', 'a,gone,b\n1,,x\n2,NA,y\n'), 'empty_column', [
      /"gone"/,
      /hole\.csv/,
      /all 2 rows/,
      /Drop it/,
    ]);
  });

  test('ZIP with no data file lists its entries', async () => {
    const path = tmp.write(
      'nodata.zip',
      zipSync({ 'notes.md': strToU8('x'), 'img/a.png': new Uint8Array(3) }),
    );
    await rejectsWith(path, 'zip_no_data_file', [/nodata\.zip/, /notes\.md/, /img\/a\.png/]);
  });

  test('an Excel workbook says it is not read, which formats are, and how to convert', async () => {
    const path = tmp.write('prices.xlsx', zipSync({ 'xl/workbook.xml': strToU8('<workbook/>') }));
    await rejectsWith(path, 'unsupported_format', [
      /prices\.xlsx/,
      /not read/,
      /CSV\/TSV/,
      /Parquet/,
      /Save the sheet as CSV/,
    ]);
    // The same workbook renamed to .zip: its XML parts are not "no data file" but an Excel workbook.
    const zip = tmp.write('prices.zip', zipSync({ 'xl/workbook.xml': strToU8('<workbook/>') }));
    await rejectsWith(zip, 'zip_no_data_file', [/Excel workbook/, /Save the sheet as CSV/]);
  });

  test('ZIP with several data files lists them and says to set data.zip_entry', async () => {
    const path = tmp.write(
      'many.zip',
      zipSync({ 'a.csv': strToU8('x\n1\n'), 'b.parquet': new Uint8Array(8) }),
    );
    await rejectsWith(path, 'zip_several_data_files', [
      /many\.zip/,
      /a\.csv/,
      /b\.parquet/,
      /data\.zip_entry/,
      /zip_entry: "a\.csv"/,
    ]);
    await rejectsWith(path, 'zip_entry_not_found', [/"c\.csv"/, /a\.csv, b\.parquet/], { zipEntry: 'c.csv' });
  });

  test('ZIP bomb guards: entry count and uncompressed size', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`f${i}.txt`] = strToU8('x');
    await rejectsWith(tmp.write('crowd.zip', zipSync(files)), 'zip_too_many_entries', [/20 entries/, /10/], {
      maxZipEntries: 10,
    });
    const big = tmp.write('big.zip', zipSync({ 'big.csv': strToU8(`a\n${'1\n'.repeat(50_000)}`) }));
    await rejectsWith(big, 'zip_too_large', [/big\.csv/, /1,000 bytes/], { maxUncompressedBytes: 1000 });
  });

  test('corrupt ZIP and corrupt Parquet are wrapped, not raw', async () => {
    await rejectsWith(tmp.write('bad.zip', 'PK this is not a zip'), 'corrupt_zip', [
      /bad\.zip/,
      /not a readable ZIP/,
    ]);
    const good = zipSync({ 'd.csv': strToU8(`a,b\n${'1,2\n'.repeat(1000)}`) });
    const truncated = good.slice(0, good.length - 30);
    await rejectsWith(tmp.write('cut.zip', truncated), 'corrupt_zip', [/cut\.zip/]);
    await rejectsWith(tmp.write('bad.parquet', 'PAR1 definitely not parquet PAR1'), 'corrupt_parquet', [
      /bad\.parquet/,
      /not a readable Parquet/,
    ]);
  });

  test('errors inside a ZIP name the archive and the entry, not the temp file', async () => {
    const path = tmp.write('ragged.zip', zipSync({ 'inner.csv': strToU8('a,b\n1,2\n3\n') }));
    await rejectsWith(path, 'ragged_rows', [/ragged\.zip!inner\.csv/, /Line 3/]);
  });

  test('malformed JSON', async () => {
    await rejectsWith(tmp.write('bad.json', '[{"a": 1}, {"a": '), 'malformed_json', [/bad\.json/]);
  });
});
