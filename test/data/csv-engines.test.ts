/**
 * The own CSV parser against DuckDB's on files built to break parsers: quoted fields with
 * delimiters, doubled quotes and newlines, CRLF, missing tokens, mixed types, and records that
 * straddle the parser's 2 MiB read boundaries. Both engines must give identical frames.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { DataLoader, type LoadOptions } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

async function bothEngines(path: string, opts: LoadOptions = {}) {
  const ours = await DataLoader.load(path, { ...opts, csvEngine: 'tabflow' });
  const duck = await DataLoader.load(path, { ...opts, csvEngine: 'duckdb' });
  assert.deepEqual(ours.report.columns, duck.report.columns);
  assert.equal(ours.frame.nRows, duck.frame.nRows);
  for (const name of ours.frame.names) {
    for (let i = 0; i < ours.frame.nRows; i++) {
      const a = ours.frame.cell(name, i);
      const b = duck.frame.cell(name, i);
      if (a !== b)
        assert.fail(`column ${name}, row ${i}: tabflow ${JSON.stringify(a)} vs duckdb ${JSON.stringify(b)}`);
    }
  }
  return ours;
}

describe('CSV engines agree', () => {
  test('9 MiB of awkward quoting across the read boundary', async () => {
    const rng = new Rng(7);
    const words = ['plain', 'with, comma', 'say ""hi""', 'two\nlines', 'crlf\r\ninside', 'ünï', ''];
    const lines = ['id,num,text,flag,when'];
    let bytes = 0;
    for (let i = 0; bytes < 9 << 20; i++) {
      const w = words[rng.int(words.length)];
      const text = w === '' ? '' : `"${w} ${rng.int(1000)}"`;
      const num = rng.next() < 0.05 ? 'NA' : (rng.normal() * 1e3).toFixed(rng.int(6));
      const flag = rng.next() < 0.5 ? 'true' : 'false';
      const line = `${i},${num},${text},${flag},2021-0${1 + rng.int(9)}-1${rng.int(10)}`;
      lines.push(line);
      bytes += line.length + 2;
    }
    const path = tmp.write('awkward.csv', `${lines.join('\r\n')}\r\n`);
    const { frame } = await bothEngines(path);
    assert.equal(frame.nRows, lines.length - 1);
    assert.deepEqual(
      frame.names.map((n) => frame.typeOf(n)),
      ['numeric', 'numeric', 'categorical', 'boolean', 'datetime'],
    );
  });

  test('numeric missing tokens, exponents, long digit strings, leading zeros', async () => {
    const path = tmp.write(
      'numbers.csv',
      'a,b,c\n-999,1e3,12345678901234567890\n5,-2.5E-3,0.000000000000000000001\n007,.5,123456789012.345678\n',
    );
    const { frame } = await bothEngines(path, { missingTokens: ['-999'] });
    assert.deepEqual(frame.toRecords(), [
      { a: null, b: 1000, c: Number('12345678901234567890') },
      { a: 5, b: -0.0025, c: 1e-21 },
      { a: 7, b: 0.5, c: Number('123456789012.345678') },
    ]);
  });

  test('numbers padded with spaces are numbers; unnamed header fields become column<N>', async () => {
    const path = tmp.write('padded.csv', 'a,,c\n 1,x, 2.5\n2 ,y,3\n');
    const { frame } = await bothEngines(path);
    assert.deepEqual(frame.names, ['a', 'column2', 'c']);
    assert.deepEqual(frame.toRecords(), [
      { a: 1, column2: 'x', c: 2.5 },
      { a: 2, column2: 'y', c: 3 },
    ]);
  });

  test('tabflow engine: records longer than the read-ahead room and the read chunk', async () => {
    // DuckDB caps lines at 2 MB by default, so this one is for the own parser only.
    const long = 'x'.repeat(3 << 20);
    const huge = 'y'.repeat(9 << 20);
    const path = tmp.write('long-records.csv', `a,b\n1,"${long}"\n2,short\n3,"${huge}"\n4,${long}\n`);
    const { frame } = await DataLoader.load(path);
    assert.deepEqual(
      frame.toRecords().map((r) => [r.a, String(r.b).length]),
      [
        [1, long.length],
        [2, 5],
        [3, huge.length],
        [4, long.length],
      ],
    );
  });
});
