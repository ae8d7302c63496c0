/**
 * The two-thread CSV parse (csv-parallel.ts) gives exactly the Frame of the one-thread parse:
 * on the bundled CSVs and on generated files with quotes, delimiters and newlines inside quoted
 * fields, CRLF, missing tokens, text showing up late or in one half only, a split point inside a
 * quoted field, invalid UTF-8, and errors that must name the same line. Files are small, so the
 * two-thread path is forced with csvParallelMinBytes: 0.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { readCsvHead } from '../../src/data/csv-head.js';
import { mergeRanges } from '../../src/data/csv-merge.js';
import { parseCsv } from '../../src/data/csv-parser.js';
import { DataLoader, type LoadOptions } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const ONE: LoadOptions = { csvParallelMinBytes: Number.POSITIVE_INFINITY };
const TWO: LoadOptions = { csvParallelMinBytes: 0 };

/** Loads `path` on one and on two threads; both frames and reports (but the time) must be equal. */
async function sameBothWays(path: string, opts: LoadOptions = {}) {
  const one = await DataLoader.load(path, { ...opts, ...ONE });
  const two = await DataLoader.load(path, { ...opts, ...TWO });
  assert.deepStrictEqual(two.frame.names, one.frame.names);
  assert.deepStrictEqual(two.frame.columns, one.frame.columns);
  assert.deepStrictEqual({ ...two.report, seconds: 0 }, { ...one.report, seconds: 0 });
  return two;
}

/** The error (class, code and message) each way must be the same. */
async function sameErrorBothWays(path: string): Promise<string> {
  const one = await DataLoader.load(path, ONE).then(
    () => assert.fail('expected an error'),
    (e: Error) => e,
  );
  const two = await DataLoader.load(path, TWO).then(
    () => assert.fail('expected an error'),
    (e: Error) => e,
  );
  assert.equal(two.constructor, one.constructor);
  assert.equal(two.message, one.message);
  return two.message;
}

/** `rows` lines of mixed fields, with `special(i)` replacing line i where it returns a string. */
function lines(rows: number, seed: number, special: (i: number) => string | undefined = () => undefined) {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const s = special(i);
    if (s !== undefined) {
      out.push(s);
      continue;
    }
    const x = rng.next() < 0.05 ? '' : (rng.normal() * 10).toFixed(3);
    const k = rng.next() < 0.03 ? 'NA' : String(rng.int(100));
    const grade = ['a', 'b', 'c', '', 'NA'][rng.int(5)];
    const note = rng.next() < 0.1 ? `"say ""hi"", ${i}\nnext line"` : `"n${rng.int(50)}"`;
    out.push(`${x},${k},${grade},${note},city_${rng.int(30 + (i >> 6))}`);
  }
  return out;
}

describe('two-thread CSV parse', () => {
  for (const name of ['diamonds', 'ames', 'concrete']) {
    test(`bundled ${name}.csv: same Frame`, async () => {
      await sameBothWays(`examples/data/${name}.csv`);
    });
  }

  test('quotes, embedded delimiters and newlines, missing tokens, CRLF', async () => {
    const header = 'x,k,grade,note,city';
    const lf = tmp.write('mixed.csv', `${[header, ...lines(3000, 1)].join('\n')}\n`);
    const loaded = await sameBothWays(lf);
    assert.equal(loaded.frame.nRows, 3000);
    const crlf = tmp.write('mixed-crlf.csv', `${[header, ...lines(3000, 2)].join('\r\n')}\r\n`);
    await sameBothWays(crlf);
    // No final newline, and blank lines.
    const body = lines(2000, 3, (i) => (i % 700 === 5 ? '' : undefined));
    await sameBothWays(tmp.write('blank-lines.csv', [header, ...body].join('\n')));
  });

  test('a number column turning text late, or in one half only', async () => {
    const header = 'x,k,grade,note,city';
    // Text after the first 20,000 rows of the second half: the whole file is parsed again.
    const late = lines(60_000, 4, (i) => (i === 59_000 ? 'oops,1,a,"n",c' : undefined));
    const l = await sameBothWays(tmp.write('late.csv', [header, ...late].join('\n')));
    assert.equal(l.frame.columns[0].type, 'categorical');
    // Text early in the second half only: that half finds it, the first is read again as text.
    const second = lines(4000, 5, (i) => (i === 3500 ? '1.5,word,a,"n",c' : undefined));
    const s = await sameBothWays(tmp.write('second-half.csv', [header, ...second].join('\n')));
    assert.equal(s.frame.columns[1].type, 'categorical');
    // Early in the first half only.
    const first = lines(4000, 6, (i) => (i === 10 ? '1.5,word,a,"n",c' : undefined));
    await sameBothWays(tmp.write('first-half.csv', [header, ...first].join('\n')));
  });

  test('text values first seen in the second half keep single-pass codes', async () => {
    const rows = Array.from(
      { length: 4000 },
      (_, i) => `${i},${i < 2000 ? `v${i % 7}` : `w${(i * 7) % 13}`}`,
    );
    await sameBothWays(tmp.write('dict.csv', ['id,label', ...rows].join('\n')));
  });

  test('a split point inside a quoted field falls back to one pass', async () => {
    const long = `"${Array.from({ length: 4000 }, (_, i) => `line ${i}`).join('\n')}"`;
    const rows = lines(400, 7, (i) => (i === 200 ? `1,2,a,${long},c` : undefined));
    const path = tmp.write('quoted-middle.csv', ['x,k,grade,note,city', ...rows].join('\n'));
    await sameBothWays(path);
    // The first part's parse sees the record crossing the split point.
    const head = await readCsvHead(path, {});
    const mid = Math.floor(statSync(path).size / 2);
    const a = await parseCsv(path, head, {
      missingTokens: [''],
      textColumns: new Set(),
      range: { start: 0, end: mid + 1, last: false },
    });
    assert.ok(a.tail > 0);
  });

  test('parts merged at a record boundary equal one pass', async () => {
    const rows = lines(3000, 8).map((l) => l.replace(/"[^"]*\n[^"]*"/, '"plain"'));
    const path = tmp.write('parts.csv', ['x,k,grade,note,city', ...rows].join('\n'));
    const size = statSync(path).size;
    const split = readFileSync(path).indexOf(10, size >> 1) + 1;
    const head = await readCsvHead(path, {});
    const opts = { missingTokens: ['', 'NA'], textColumns: new Set([2, 3, 4]) };
    const whole = await parseCsv(path, head, opts);
    const a = await parseCsv(path, head, { ...opts, range: { start: 0, end: split, last: false } });
    const b = await parseCsv(path, head, { ...opts, range: { start: split, end: size, last: true } });
    assert.equal(a.tail, 0);
    assert.ok(a.rows > 1000 && b.rows > 1000);
    const merged = mergeRanges(a, b);
    assert.ok(merged);
    assert.equal(merged.rows, whole.rows);
    assert.deepStrictEqual(merged.columns, whole.columns);
  });

  test('errors name the same line', async () => {
    const header = 'x,k,grade,note,city';
    const ragged = lines(3000, 9, (i) => (i === 2500 ? '1,2,3' : undefined));
    const m1 = await sameErrorBothWays(tmp.write('ragged.csv', [header, ...ragged].join('\n')));
    assert.match(m1, /Line \d+ of .* has 3 fields but the header has 5/);
    const early = lines(3000, 10, (i) => (i === 100 || i === 2500 ? '1,2,3' : undefined));
    await sameErrorBothWays(tmp.write('ragged-both.csv', [header, ...early].join('\n')));
    const unclosed = lines(3000, 11, (i) => (i === 2900 ? '1,2,a,"open,c' : undefined));
    await sameErrorBothWays(tmp.write('unclosed.csv', [header, ...unclosed].join('\n')));
    const afterQuote = lines(3000, 12, (i) => (i === 2000 ? '1,2,a,"n"x,c' : undefined));
    await sameErrorBothWays(tmp.write('after-quote.csv', [header, ...afterQuote].join('\n')));
  });

  test('invalid UTF-8 in the second half: same encoding note and Frame', async () => {
    // Past the first MiB, which the head reads: found by the parse of the second half.
    const rows = lines(40_000, 13).map((l, i) => (i === 39_000 ? l.replace('city_', 'caf\u00e9_') : l));
    const text = ['x,k,grade,note,city', ...rows].join('\n');
    // é as latin1 (one byte 0xe9): not UTF-8.
    const path = tmp.write('latin.csv', Buffer.from(text, 'latin1'));
    const two = await sameBothWays(path);
    assert.equal(two.report.encoding, 'windows-1252');
    const strict = { encoding: 'utf-8' } as const;
    const one = await DataLoader.load(path, { ...strict, ...ONE }).catch((e: Error) => e.message);
    const par = await DataLoader.load(path, { ...strict, ...TWO }).catch((e: Error) => e.message);
    assert.equal(par, one);
  });

  test('options: declared types, a numeric missing token, decimal comma', async () => {
    const path = tmp.write('typed.csv', ['x,k,grade,note,city', ...lines(3000, 14)].join('\n'));
    await sameBothWays(path, { types: { k: 'categorical' }, missingTokens: ['', 'NA', '-999'] });
    const semi = lines(3000, 15).map((l) => l.replaceAll(',', ';').replace(/(\d)\.(\d)/, '$1,$2'));
    await sameBothWays(tmp.write('semi.csv', ['x;k;grade;note;city', ...semi].join('\n')), {
      decimal: ',',
    });
  });
});
