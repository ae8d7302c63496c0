/**
 * Batch tree prediction on two threads (predict-thread.ts): the same bits as one thread and as
 * the TypeScript path on real fitted models, whichever thread takes which rows; a failed or
 * closed thread falls back to one; the worker never keeps a process alive.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, afterEach, describe, it } from 'node:test';
import { type Matrix, matrix } from '../../../src/core/matrix.js';
import { Rng } from '../../../src/core/random.js';
import {
  closePredictThread,
  predictThread,
  wantsSecondThread,
} from '../../../src/models/tree/predict-thread.js';
import type { TreeArrays } from '../../../src/models/tree/predictor.js';
import { WasmTreeBank } from '../../../src/models/tree/wasm-tree-bank.js';
import { concreteData, diamonds, fitModel } from '../../explain/data.js';

const saved = { kernels: process.env.TABFLOW_KERNELS, threads: process.env.TABFLOW_PREDICT_THREADS };
const restore = (name: string, v: string | undefined) => {
  if (v === undefined) delete process.env[name];
  else process.env[name] = v;
};
afterEach(() => {
  restore('TABFLOW_KERNELS', saved.kernels);
  restore('TABFLOW_PREDICT_THREADS', saved.threads);
});
after(() => closePredictThread());

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The ready process-wide thread (started here if needed). */
async function readyThread() {
  const t = predictThread();
  assert.ok(t, 'tests run on the main thread');
  assert.equal(await t.whenReady(), true, 'the predict thread starts');
  return t;
}

/** `rows` rows drawn (with replacement) from X, some values missing. */
function manyRows(X: Matrix, rows: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const out = matrix(rows, X.cols, new Float64Array(rows * X.cols));
  for (let i = 0; i < rows; i++) {
    const r = rng.int(X.rows);
    out.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
    if (i % 11 === 0) out.data[i * X.cols + (i % X.cols)] = Number.NaN;
  }
  return out;
}

describe('batch prediction on two threads', () => {
  it('gives the bits of one thread and of TypeScript on fitted gbdt, forest and extra-trees models', async () => {
    const t = await readyThread();
    const dia = diamonds('ordinal', 3000);
    const con = concreteData();
    const cases = [
      ['gbdt', { max_iter: 40 }, dia],
      ['random_forest', { n_estimators: 6, max_depth: 8 }, dia],
      ['extra_trees', { n_estimators: 6 }, con],
    ] as const;
    for (const [kind, params, d] of cases) {
      const m = await fitModel(kind, params, d);
      // 30,000 rows: 16 blocks or more (a chunk of 9 columns holds 29,127 rows, then 873 more).
      const X = manyRows(d.test.X, 30_000, 5);
      const predict = (kernels: string, threads: string) => {
        process.env.TABFLOW_KERNELS = kernels;
        process.env.TABFLOW_PREDICT_THREADS = threads;
        return bits(m.predict(X));
      };
      const js = predict('js', '1');
      assert.deepEqual(predict('wasm', '1'), js, `${kind}: one thread`);
      const before = t.workerBlocks;
      assert.deepEqual(predict('wasm', '2'), js, `${kind}: two threads`);
      t.mainWorks = false;
      try {
        assert.deepEqual(predict('wasm', '2'), js, `${kind}: the worker takes every block`);
      } finally {
        t.mainWorks = true;
      }
      assert.ok(t.workerBlocks - before >= 16, `${kind}: the worker computed every block once`);
    }
  });

  it('shares a bank whose memory grows after the worker has it', async () => {
    const t = await readyThread();
    const rng = new Rng(8);
    const d = diamonds('ordinal', 3000);
    const m = await fitModel('gbdt', { max_iter: 20 }, d);
    const trees = (m as unknown as { batch: { trees: TreeArrays[] } }).batch.trees;
    const bank = WasmTreeBank.create(trees, d.test.X.cols);
    assert.ok(bank);
    const small = manyRows(d.test.X, 600, 2);
    const big = manyRows(d.test.X, 60_000, 3);
    for (const X of [small, big]) {
      const one = new Float64Array(X.rows).fill(rng.normal());
      const two = Float64Array.from(one);
      bank.addPredictions(X, one, 0.5);
      t.mainWorks = false;
      try {
        bank.addPredictions(X, two, 0.5, t);
      } finally {
        t.mainWorks = true;
      }
      assert.deepEqual(bits(two), bits(one), `${X.rows} rows`);
    }
  });

  it('falls back to one thread when the thread is closed, and starts a new one on demand', async () => {
    const t = await readyThread();
    const d = diamonds('ordinal', 3000);
    const m = await fitModel('gbdt', { max_iter: 20 }, d);
    const X = manyRows(d.test.X, 5000, 4);
    process.env.TABFLOW_KERNELS = 'js';
    const js = bits(m.predict(X));
    closePredictThread();
    assert.equal(t.ready, false, 'a closed thread is not used');
    const trees = (m as unknown as { batch: { trees: TreeArrays[] } }).batch.trees;
    const bank = WasmTreeBank.create(trees, X.cols);
    assert.ok(bank);
    const out = new Float64Array(X.rows).fill(0.25);
    const ref = Float64Array.from(out);
    bank.addPredictions(X, out, 1, t);
    bank.addPredictions(X, ref, 1);
    assert.deepEqual(bits(out), bits(ref), 'the closed thread: the main thread alone');
    const fresh = await readyThread();
    assert.notEqual(fresh, t, 'a new thread');
    process.env.TABFLOW_KERNELS = 'wasm';
    process.env.TABFLOW_PREDICT_THREADS = '2';
    assert.deepEqual(bits(m.predict(X)), js);
  });

  it('takes the second thread for large batches on a machine with a core to spare', () => {
    const big = 100 * 20_000;
    assert.equal(wantsSecondThread(big, 0.3, 2, 0), true, 'idle 2 cores');
    assert.equal(wantsSecondThread(100 * 5_000, 0.3, 2, 0), false, 'a small batch');
    assert.equal(wantsSecondThread(big, 0.3, 1, 0), false, 'one core');
    assert.equal(wantsSecondThread(big, 1.7, 2, 0), false, 'a busy machine');
    assert.equal(wantsSecondThread(big, 1.7, 2, 1), true, 'busy with our own worker only');
    assert.equal(wantsSecondThread(big, 14, 2, 1), false, 'a loaded machine');
  });

  it('never keeps a process alive: a script that used the thread exits without closing it', () => {
    const code = `
      import { matrix } from './src/core/matrix.ts';
      import { predictThread } from './src/models/tree/predict-thread.ts';
      import { WasmTreeBank } from './src/models/tree/wasm-tree-bank.ts';
      import { handmade } from './test/models/tree/helpers.ts';
      const t = predictThread();
      if (!(await t.whenReady())) process.exit(3);
      t.mainWorks = false;
      const X = matrix(5000, 2, Float64Array.from({ length: 10000 }, (_, i) => (i % 7) / 7));
      WasmTreeBank.create([handmade()], 2).addPredictions(X, new Float64Array(5000), 1, t);
      console.log('blocks', t.workerBlocks);
    `;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: new URL('../../../', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /blocks 15/, 'the worker predicted the 5,000 rows (15 blocks)');
    assert.ok(Date.now() - t0 < 60_000, 'exited on its own');
  });
});
