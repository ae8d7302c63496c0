import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { fileChunks } from '../../src/inference/file-chunks.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { predictFile } from '../../src/inference/predict-file.js';
import { trainFile } from './train-run.js';

describe('predictFile (the library behind tabflow predict)', () => {
  let dir: string;
  let p: InferencePipeline;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tabflow-predict-file-'));
    // Store codes that look like numbers but are categories ("007"), and a numeric size.
    const rng = new Rng(5);
    const lines = ['code,size,y'];
    for (let i = 0; i < 300; i++) {
      const code = ['007', '012', 'A1'][i % 3];
      const size = 1 + rng.next() * 9;
      lines.push(
        `${code},${size.toFixed(3)},${(size * 2 + (code === '007' ? 5 : 0) + rng.normal() * 0.1).toFixed(3)}`,
      );
    }
    writeFileSync(join(dir, 'train.csv'), `${lines.join('\n')}\n`);
    p = InferencePipeline.load((await trainFile(join(dir, 'train.csv'), 'y', ['ridge'])).runDir);
  });

  it('keeps number-like categories as text ("007" is not the unknown level "7")', async () => {
    writeFileSync(join(dir, 'codes.csv'), 'code,size\n007,2\n012,2\n');
    const r = await predictFile(p, join(dir, 'codes.csv'), { out: join(dir, 'codes.json') });
    assert.equal(r.summary.byCode.unknown_category, 0);
    const out = JSON.parse(readFileSync(join(dir, 'codes.json'), 'utf8'));
    const want = p.predict([
      { code: '007', size: 2 },
      { code: '012', size: 2 },
    ]);
    assert.deepEqual(
      out.map((o: { prediction: number }) => o.prediction),
      want.map((w) => w.prediction),
    );
    assert.ok(out[0].prediction - out[1].prediction > 4, 'the "007" effect is applied');
  });

  it('a column with no value at all is per-row nulls (imputed, warned), not a load error', async () => {
    writeFileSync(join(dir, 'empty.csv'), 'code,size\n007,\nA1,\n');
    const r = await predictFile(p, join(dir, 'empty.csv'), {
      out: join(dir, 'empty.csv.out.csv'),
      interval: false,
    });
    assert.equal(r.summary.predicted, 2);
    assert.equal(r.summary.byCode.null_not_allowed, 2);
    assert.equal(r.idColumn, null);
    assert.deepEqual(r.columns, ['row', 'prediction', 'status', 'issues']);
    const text = readFileSync(join(dir, 'empty.csv.out.csv'), 'utf8').trim().split('\n');
    assert.equal(text.length, 3);
    assert.match(text[1], /^0,[-\d.e]+,ok,size:null_not_allowed$/);
  });

  it('streams large files in pieces of whole records: same output as loading the whole file', async () => {
    const rng = new Rng(9);
    const lines = ['id,note,code,size'];
    for (let i = 0; i < 1000; i++) {
      const note = i % 7 === 0 ? '"two\nlines, ""quoted"""' : 'plain';
      const code = i % 50 === 0 ? 'ZZ' : ['"007"', '012', 'A1'][i % 3];
      const size = i % 97 === 0 ? 'big' : (1 + rng.next() * 9).toFixed(2);
      lines.push(`r${i},${note},${code},${size}`);
      if (i % 211 === 0) lines.push('');
    }
    writeFileSync(join(dir, 'big.csv'), `${lines.join('\r\n')}\r\n`);
    const whole = await predictFile(p, join(dir, 'big.csv'), { out: join(dir, 'whole.csv'), interval: true });
    const parts: number[] = [];
    const streamed = await predictFile(p, join(dir, 'big.csv'), {
      out: join(dir, 'streamed.csv'),
      // interval left to its default, which is on: same file as asking for it
      streamBytes: 0,
      chunkRows: 97,
      onProgress: (done) => parts.push(done),
    });
    assert.equal(whole.streamed, false);
    assert.equal(streamed.streamed, true);
    assert.equal(parts.length, Math.ceil(1000 / 97));
    assert.equal(streamed.rows, 1000);
    assert.deepEqual(streamed.summary, whole.summary);
    assert.equal(whole.summary.rejected, 11); // "big" sizes
    assert.equal(whole.summary.byCode.unknown_category, 20); // "ZZ"
    // Same issues; the order differs (column by column within each chunk).
    const key = (i: { row: number; field: string }) => `${String(i.row).padStart(5)}${i.field}`;
    const sorted = (xs: typeof whole.issues) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    assert.deepEqual(sorted(streamed.issues), sorted(whole.issues));
    assert.equal(
      readFileSync(join(dir, 'streamed.csv'), 'utf8'),
      readFileSync(join(dir, 'whole.csv'), 'utf8'),
    );
    assert.match(
      readFileSync(join(dir, 'whole.csv'), 'utf8'),
      /^id,prediction,lower,upper,coverage,status,issues\nr0,,,,,rejected,/,
    );
  });

  it('fileChunks: a newline inside quotes does not end a record; the header repeats in every piece', async () => {
    writeFileSync(join(dir, 'q.csv'), 'a,b\n1,"x\ny"\n2,z\n\n3,w');
    const pieces: string[] = [];
    const tmp = mkdtempSync(join(tmpdir(), 'tabflow-chunks-'));
    for await (const c of fileChunks(join(dir, 'q.csv'), 2, tmp, { header: true }))
      pieces.push(readFileSync(c.file, 'utf8'));
    assert.deepEqual(pieces, ['a,b\n1,"x\ny"\n2,z\n', 'a,b\n3,w']);
  });
});
