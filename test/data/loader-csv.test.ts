import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import {
  type CategoricalColumn,
  DataLoader,
  type LoadOptions,
  type NumericColumn,
} from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

// Both CSV engines must agree on everything below.
for (const csvEngine of ['tabflow', 'duckdb'] as const) {
  const load = (path: string, opts: LoadOptions = {}) => DataLoader.load(path, { ...opts, csvEngine });

  describe(`DataLoader CSV (${csvEngine} engine)`, () => {
    test('infers numeric, categorical, boolean and datetime columns and counts missing cells', async () => {
      const path = tmp.write(
        'mixed.csv',
        'price,cut,sold,when,note\n' +
          '326,Ideal,true,2020-01-02,a\n' +
          'NA,Premium,false,2021-03-04,\n' +
          '12.5,,true,,N/A\n' +
          '7,Ideal,,2022-12-31,null\n',
      );
      const { frame, report } = await load(path);
      assert.deepEqual(
        report.columns.map((c) => [c.name, c.type, c.missing]),
        [
          ['price', 'numeric', 1],
          ['cut', 'categorical', 1],
          ['sold', 'boolean', 1],
          ['when', 'datetime', 1],
          ['note', 'categorical', 3],
        ],
      );
      const price = frame.get('price') as NumericColumn;
      assert.deepEqual(
        [...price.values].map((v) => (Number.isNaN(v) ? null : v)),
        [326, null, 12.5, 7],
      );
      assert.deepEqual(
        frame.toRecords().map((r) => r.when),
        ['2020-01-02T00:00:00.000Z', '2021-03-04T00:00:00.000Z', null, '2022-12-31T00:00:00.000Z'],
      );
      const cut = frame.get('cut') as CategoricalColumn;
      assert.deepEqual([...cut.codes], [0, 1, -1, 0]);
      assert.deepEqual(cut.dictionary, ['Ideal', 'Premium']);
      assert.equal(frame.cell('sold', 1), false);
    });

    test('report: sha256 and size of the file bytes, rows, format, timing', async () => {
      const content = 'a,b\n1,x\n2,y\n3,z\n';
      const path = tmp.write('report.csv', content);
      const { report } = await load(path);
      assert.equal(report.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
      assert.equal(report.bytes, Buffer.byteLength(content));
      assert.equal(report.rows, 3);
      assert.equal(report.format, 'csv');
      assert.equal(report.path, path);
      assert.ok(report.seconds > 0 && report.seconds < 30);
    });

    test('a large file (hashed on a worker thread) reports the same sha256', async () => {
      const row = '1.5,abc,"quoted, text",2020-01-01\n';
      const content = `a,b,c,d\n${row.repeat(Math.ceil((17 << 20) / row.length))}`;
      const path = tmp.write(`large-${csvEngine}.csv`, content);
      const { report } = await load(path);
      assert.equal(report.sha256, createHash('sha256').update(content).digest('hex'));
      assert.equal(report.rows, Math.ceil((17 << 20) / row.length));
    });

    test('quoted fields keep delimiters, doubled quotes and newlines; a UTF-8 BOM is not part of the name', async () => {
      const path = tmp.write(
        'quoted.csv',
        '\uFEFF"id","text"\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n',
      );
      const { frame } = await load(path);
      assert.deepEqual(frame.names, ['id', 'text']);
      assert.deepEqual(
        frame.toRecords().map((r) => r.text),
        ['a, b', 'say "hi"', 'two\nlines'],
      );
    });

    test('delimiter: detected (semicolon), tab for .tsv, and explicit', async () => {
      const semi = await load(tmp.write('semi.csv', 'a;b\n1,5;x\n2,5;y\n'));
      assert.deepEqual(semi.frame.names, ['a', 'b']);
      assert.equal(semi.frame.typeOf('a'), 'categorical'); // "1,5" is text with a comma, kept as-is
      const tsv = await load(tmp.write('t.tsv', 'a\tb\n1\tx y\n2\tz\n'));
      assert.deepEqual(tsv.frame.toRecords(), [
        { a: 1, b: 'x y' },
        { a: 2, b: 'z' },
      ]);
      const pipe = await load(tmp.write('pipe.txt', 'a|b\n1|2\n'), { delimiter: '|' });
      assert.deepEqual(pipe.frame.toRecords(), [{ a: 1, b: 2 }]);
    });

    test('custom quote character and header: false', async () => {
      const path = tmp.write('noheader.csv', "1,'x,y'\n2,'z'\n");
      const { frame } = await load(path, { header: false, quote: "'" });
      assert.deepEqual(frame.names, ['column1', 'column2']);
      assert.deepEqual(frame.toRecords(), [
        { column1: 1, column2: 'x,y' },
        { column1: 2, column2: 'z' },
      ]);
    });

    test('missing tokens are configurable; strings are not trimmed', async () => {
      const path = tmp.write('tokens.csv', 'a,b\n1,-\n-,x \n3,NA\n');
      const { frame } = await load(path, { missingTokens: ['-'] });
      assert.equal(frame.typeOf('a'), 'numeric');
      assert.deepEqual(
        frame.toRecords().map((r) => [r.a, r.b]),
        [
          [1, null],
          [null, 'x '],
          [3, 'NA'],
        ],
      );
    });

    test('declared types override inference; categorical keeps the text ("007")', async () => {
      const path = tmp.write('types.csv', 'zip,flag,n,d\n007,1,3,2020-01-01\n010,0,4,2020-01-02\n');
      const { frame, report } = await load(path, {
        types: { zip: 'categorical', flag: 'boolean', n: 'categorical', d: 'categorical' },
      });
      assert.deepEqual(frame.toRecords()[0], { zip: '007', flag: true, n: '3', d: '2020-01-01' });
      assert.deepEqual(
        report.columns.map((c) => c.type),
        ['categorical', 'boolean', 'categorical', 'categorical'],
      );
      const num = await load(tmp.write('num.csv', 'a,b\n1.5e3,x\n-2,y\n'), {
        types: { a: 'numeric', b: 'categorical' },
      });
      assert.deepEqual(num.frame.toRecords(), [
        { a: 1500, b: 'x' },
        { a: -2, b: 'y' },
      ]);
      // Numbers are not dates: declaring them datetime is an error that names the column.
      await assert.rejects(
        load(tmp.path('num.csv'), { types: { a: 'datetime' } }),
        (e: unknown) => e instanceof DataError && /"a"/.test(e.message) && /"1\.5e3"/.test(e.message),
      );
    });

    test('a misfit after the first 100,000 rows is not a silent end of file: every row, the column widened', async () => {
      // DuckDB parses ahead in chunks; a streamed result used to end quietly at the chunk before
      // the bad value (98,304 of 150,001 rows) instead of reporting it.
      const lines = ['a,b'];
      for (let i = 0; i < 150_000; i++) lines.push(`${i},${i * 2}`);
      lines.push('oops,1');
      const { frame } = await load(tmp.write('late-big.csv', `${lines.join('\n')}\n`));
      assert.equal(frame.nRows, 150_001);
      assert.equal(frame.typeOf('a'), 'categorical');
      assert.equal(frame.cell('a', 150_000), 'oops');
      assert.equal(frame.typeOf('b'), 'numeric');
    });

    test('a declared type the values do not fit names the column and the values', async () => {
      const path = tmp.write('badtype.csv', 'a,b\n1,x\n2,?\n');
      await assert.rejects(
        load(path, { types: { b: 'numeric' } }),
        (e: unknown) => e instanceof DataError && /"b"/.test(e.message) && /"x"/.test(e.message),
      );
      await assert.rejects(
        load(path, { types: { nope: 'numeric' } }),
        (e: unknown) => e instanceof DataError && /"nope"/.test(e.message) && /a, b/.test(e.message),
      );
    });

    test('a value late in the file that breaks the sampled type demotes that column to text', async () => {
      const lines = ['a,b'];
      for (let i = 0; i < 30_000; i++) lines.push(`${i},${i * 2}`);
      lines.push('oops,1');
      const { frame } = await load(tmp.write('late.csv', `${lines.join('\n')}\n`));
      assert.equal(frame.nRows, 30_001);
      assert.equal(frame.typeOf('a'), 'categorical');
      assert.equal(frame.cell('a', 30_000), 'oops');
      assert.equal(frame.cell('a', 5), '5');
      assert.equal(frame.typeOf('b'), 'numeric');
    });

    test('long, repeated and non-ASCII strings are dictionary-encoded exactly', async () => {
      const values = [
        'short',
        'ünïcödé',
        'a string well beyond twelve bytes',
        'another long string value!',
        '',
      ];
      const rows: string[] = ['k,s'];
      for (let i = 0; i < 5000; i++) rows.push(`${i},"${values[i % 5]}${i % 7 === 0 ? ` #${i % 3}` : ''}"`);
      const { frame } = await load(tmp.write('strings.csv', `${rows.join('\n')}\n`));
      const col = frame.get('s') as CategoricalColumn;
      for (let i = 0; i < 5000; i++) {
        const base = values[i % 5];
        const expected = i % 7 === 0 ? `${base} #${i % 3}` : base === '' ? null : base;
        assert.equal(frame.cell('s', i), expected, `row ${i}`);
      }
      assert.equal(new Set(col.dictionary).size, col.dictionary.length);
    });

    test('a text column of ISO dates with and without times is a datetime column', async () => {
      const { frame } = await load(
        tmp.write('dates.csv', 'd\n2020-01-02\n2021-03-04 10:00:00\n2021-03-04T10:00:00+02:00\n'),
      );
      assert.equal(frame.typeOf('d'), 'datetime');
      assert.deepEqual(
        frame.toRecords().map((r) => r.d),
        ['2020-01-02T00:00:00.000Z', '2021-03-04T10:00:00.000Z', '2021-03-04T08:00:00.000Z'],
      );
    });
  });
}
