import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
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
    const r = await predictFile(p, join(dir, 'empty.csv'), { out: join(dir, 'empty.csv.out.csv') });
    assert.equal(r.summary.predicted, 2);
    assert.equal(r.summary.byCode.null_not_allowed, 2);
    assert.equal(r.idColumn, null);
    assert.deepEqual(r.columns, ['row', 'prediction', 'status', 'issues']);
    const text = readFileSync(join(dir, 'empty.csv.out.csv'), 'utf8').trim().split('\n');
    assert.equal(text.length, 3);
    assert.match(text[1], /^0,[-\d.e]+,ok,size:null_not_allowed$/);
  });
});
