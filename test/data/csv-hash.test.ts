/**
 * The load report's sha256 must be the file's own (what `sha256sum` prints) however the CSV parser
 * reads it: it hashes the chunks it reads, across pass restarts, before it undoes doubled quotes
 * in place. Each case compares with createHash over readFileSync.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { ReadHash } from '../../src/data/file-hash.js';
import { type CategoricalColumn, DataLoader, type NumericColumn } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('ReadHash', () => {
  test('re-reads from the start add nothing twice; the digest is that of the bytes in order', () => {
    const bytes = new Uint8Array(1000).map((_, i) => (i * 31 + 7) & 255);
    const h = new ReadHash();
    // A pass that stops after 300 bytes, one after 100, then one reading everything in chunks.
    h.add(bytes.subarray(0, 300), 0);
    h.add(bytes.subarray(0, 100), 0);
    for (let at = 0; at < 1000; at += 256) h.add(bytes.subarray(at, Math.min(at + 256, 1000)), at);
    h.add(bytes.subarray(1000), 1000);
    assert.equal(h.bytes, 1000);
    assert.equal(h.hex(), createHash('sha256').update(bytes).digest('hex'));
  });

  test('a read that would leave a gap is refused', () => {
    const h = new ReadHash();
    h.add(new Uint8Array(10), 0);
    assert.throws(() => h.add(new Uint8Array(10), 11), /read at byte 11 skips bytes 10\.\.10/);
  });
});

describe('CSV load report sha256 (tabflow parser)', () => {
  test('BOM, CRLF, quoted delimiters, doubled quotes and newlines inside quotes', async () => {
    const path = tmp.write(
      'quoted.csv',
      '\uFEFF"id","text"\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n4,""""\r\n',
    );
    const { frame, report } = await DataLoader.load(path);
    // The parser rewrote "say ""hi""" in its buffer; the hash must be of the bytes before that.
    assert.deepEqual(frame.toRecords()[1], { id: 2, text: 'say "hi"' });
    assert.equal(report.sha256, sha256Of(path));
    assert.equal(report.bytes, readFileSync(path).length);
  });

  test('tiny files: no final newline, a BOM alone before the header, one row', async () => {
    for (const [name, content] of [
      ['one.csv', 'a\n1'],
      ['two.csv', 'x,y\r\n7,z\r\n'],
      ['bom.csv', '\uFEFFa\n5\n'],
      ['blank-lines.csv', '\n\na\n\n3\n\n'],
    ]) {
      const path = tmp.write(name, content);
      const { frame, report } = await DataLoader.load(path);
      assert.equal(frame.nRows, 1, name);
      assert.equal(report.sha256, sha256Of(path), name);
    }
  });

  test('a file of several read chunks whose pass restarts 3 times, then is parsed again', async () => {
    // Columns turn out to be text one by one: b in the 2nd batch and c in the 3rd (early restarts),
    // d at row 5,000 (found by the sampling pass after two restarts), e at row 30,000 (after the
    // sample: the whole pass is repeated with e as text). A 2.5 MB quoted field starts ~1.5 MB
    // before the end of the first 8 MB chunk (a record longer than the carry-over room), and quoted
    // fields with doubled quotes and newlines run through the whole ~20 MB file with CRLF endings.
    const LONG = 'long "" field, ';
    const LONG_REPEAT = Math.ceil((5 << 19) / LONG.length);
    const parts = ['\uFEFFid,b,c,d,e,q,t\r\n'];
    let size = parts[0].length;
    let longAt = -1;
    let i = 0;
    for (; size < 20 << 20; i++) {
      const num = (bad: number, tag: string) => (i === bad ? tag : String((i % 1000) * 0.25));
      let t = i % 500 === 0 ? `"two\nlines ${i}"` : `t${i % 13}`;
      if (longAt < 0 && size > (8 << 20) - (3 << 19)) {
        longAt = i;
        t = `"${LONG.repeat(LONG_REPEAT)}"`;
      }
      const row =
        `${i},${num(1500, 'x')},${num(2500, 'y')},${num(5000, 'z')},${num(30_000, 'w')},` +
        `"say ""${i % 7}""",${t}\r\n`;
      parts.push(row);
      size += row.length;
    }
    const path = tmp.write('restarts.csv', parts.join(''));
    assert.ok(readFileSync(path).length > 20 << 20);
    const { frame, report } = await DataLoader.load(path);
    assert.equal(frame.nRows, i);
    for (const name of ['b', 'c', 'd', 'e']) assert.equal(frame.get(name).type, 'categorical', name);
    assert.equal(frame.get('id').type, 'numeric');
    assert.equal((frame.get('id') as NumericColumn).values[i - 1], i - 1);
    const t = frame.get('t') as CategoricalColumn;
    assert.equal(t.dictionary[t.codes[longAt]], LONG.replaceAll('""', '"').repeat(LONG_REPEAT));
    assert.equal(frame.cell('q', i - 1), `say "${(i - 1) % 7}"`);
    assert.equal(report.sha256, sha256Of(path));
  });
});

describe('other readers keep hashing the file itself', () => {
  test('DuckDB CSV engine and ZIP (the archive, not the entry)', async () => {
    const csv = 'a,b\n1,"x ""y"""\n2,z\n';
    const path = tmp.write('duck.csv', csv);
    const duck = await DataLoader.load(path, { csvEngine: 'duckdb' });
    assert.equal(duck.report.sha256, sha256Of(path));
    const zip = tmp.write('one.zip', zipSync({ 'data.csv': strToU8(csv) }));
    const { frame, report } = await DataLoader.load(zip);
    assert.equal(frame.nRows, 2);
    assert.equal(report.sha256, sha256Of(zip));
    assert.notEqual(report.sha256, sha256Of(path));
  });
});
