/**
 * `predict --explain` on threads: attributions computed on worker threads, in blocks, are bit for
 * bit those of the sequential path (exact TreeSHAP, and sampling Shapley values, seeded per row);
 * progress moves while rows are explained, not only per chunk; a thread that cannot load hands
 * its blocks back to the caller's thread with the same numbers.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { progressLine } from '../../src/cli/predict-command.js';
import { resolveConfig } from '../../src/config/config.js';
import { DataLoader } from '../../src/data/loader.js';
import { ExplainPool } from '../../src/inference/explain-pool.js';
import { InferencePipeline } from '../../src/inference/inference-pipeline.js';
import { predictFile } from '../../src/inference/predict-file.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { DATA_DIR } from '../helpers/datasets.js';

const CONCRETE = join(DATA_DIR, 'concrete.csv');

async function train(model: 'gbdt' | 'knn'): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-explain-threads-'));
  const cfg = resolveConfig({
    data: { path: CONCRETE, target: 'compressive_strength' },
    models: [model],
    inference: { interval_method: 'none' },
    output: { dir: root },
  });
  return (await new TrainingPipeline(cfg).run()).runDir;
}

describe('explanations on threads', () => {
  const runs: Record<string, string> = {};
  before(async () => {
    runs.gbdt = await train('gbdt');
    runs.knn = await train('knn'); // explained by sampling against a background
  });

  for (const kind of ['gbdt', 'knn'] as const) {
    it(`${kind}: 2 threads in blocks of 37 rows give the sequential attributions bit for bit`, async () => {
      const p = InferencePipeline.load(runs[kind]);
      const input = (await DataLoader.load(CONCRETE)).frame.drop(['compressive_strength']);
      const frame = kind === 'knn' ? input.take(Uint32Array.from({ length: 150 }, (_, i) => i * 5)) : input;
      const seq = p.predictFrame(frame, { explain: true }).attributions!;
      const b = p.predictFrame(frame, { matrix: true });
      const pool = new ExplainPool(p, 2, 37);
      const seen: number[] = [];
      try {
        const par = await pool.explain(b.X!, 0, (rows) => seen.push(rows));
        assert.equal(pool.fallback, null, 'the threads did the work');
        assert.deepEqual(par.names, seq.names);
        assert.equal(par.baseValue, seq.baseValue);
        assert.deepEqual(par.values, seq.values);
        // Progress once per block, rising to every row.
        assert.equal(seen.length, Math.ceil(frame.nRows / 37));
        assert.equal(seen.at(-1), frame.nRows);
        assert.ok(seen.every((r, i) => i === 0 || r > seen[i - 1]));
        // A batch explained from row 100 on numbers its rows from 100: the same values again.
        const tail = await pool.explain(
          { ...b.X!, rows: 50, data: b.X!.data.subarray(100 * b.X!.cols) },
          100,
        );
        assert.deepEqual(tail.values, seq.values.subarray(100 * seq.names.length, 150 * seq.names.length));
      } finally {
        await pool.close();
      }
    });
  }

  it('a thread that cannot load the model hands its blocks back: same numbers, reason kept', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tabflow-explain-gone-')), 'run');
    cpSync(runs.gbdt, dir, { recursive: true });
    const p = InferencePipeline.load(dir);
    rmSync(dir, { recursive: true }); // the worker loads from disk: it fails
    const frame = (await DataLoader.load(CONCRETE)).frame.drop(['compressive_strength']);
    const seq = p.predictFrame(frame, { explain: true }).attributions!;
    const pool = new ExplainPool(p, 2, 100);
    try {
      const par = await pool.explain(p.predictFrame(frame, { matrix: true }).X!);
      assert.match(pool.fallback ?? '', /could not load/);
      assert.deepEqual(par.values, seq.values);
    } finally {
      await pool.close();
    }
  });

  it('predictFile --explain: same file with threads or without, progress inside chunks', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tabflow-explain-file-'));
    const p = InferencePipeline.load(runs.gbdt);
    const calls: [number, number][] = [];
    const opts = { explain: true, chunkRows: 400, interval: false };
    await predictFile(p, CONCRETE, {
      ...opts,
      out: join(out, 'par.csv'),
      explainThreads: 2,
      onProgress: (d, f) => calls.push([d, f]),
    });
    await predictFile(p, CONCRETE, { ...opts, out: join(out, 'seq.csv'), explainThreads: 0 });
    const par = readFileSync(join(out, 'par.csv'), 'utf8');
    assert.equal(par, readFileSync(join(out, 'seq.csv'), 'utf8'));
    assert.match(par.split('\n')[0], /attr_cement/);
    // 1,030 rows in chunks of 400, explained in blocks of 256 (of 256 and 144 rows per chunk, done
    // in either order): 5 updates, not 3, rising to every row.
    const done = calls.map(([d]) => d);
    assert.equal(done.length, 5, JSON.stringify(calls));
    assert.deepEqual([done[1], done[3], done[4]], [400, 800, 1030]);
    assert.ok(done.every((d, i) => i === 0 || d > done[i - 1]));
    assert.equal(calls.at(-1)![1], 1);
  });

  it('the progress line shows elapsed time and an estimate of the time left', () => {
    let t = 0;
    const lines: string[] = [];
    const show = progressLine(
      false,
      (s) => lines.push(s),
      () => t,
    );
    show(100, 0.001);
    t = 10_000;
    show(13_500, 0.25);
    t = 150_000;
    show(27_000, 0.5);
    t = 300_000;
    show(54_000, 1);
    assert.deepEqual(lines, [
      'predicting: 100 rows done (0% of the input)\n',
      'predicting: 13,500 rows done (25% of the input), 10 s elapsed, about 30 s left\n',
      'predicting: 27,000 rows done (50% of the input), 2 min 30 s elapsed, about 2 min 30 s left\n',
      'predicting: 54,000 rows done (100% of the input), 5 min 00 s elapsed\n',
    ]);
  });
});
