/**
 * In-process batch prediction throughput of InferencePipeline.predictFrame (validation against
 * the data contract + transform + predict) for a 100-tree gbdt trained on diamonds, beside the
 * bare transform + predict on the same rows (the cost of validation), and with intervals and
 * attributions. Target (issue 4): ≥ 200,000 rows/s for transform + predict. The bare predict
 * (model only, rows already transformed) runs on both kernel paths (TABFLOW_KERNELS=js, then the
 * WebAssembly kernel on one and on two threads, TABFLOW_PREDICT_THREADS=1|2, alternated), on the
 * 53,940 rows and on 1M rows (the same rows repeated); with `--python`, beside scikit-learn's
 * HistGradientBoostingRegressor (100 iterations) predicting the same rows: the better of its 1-
 * and 2-thread times (issue 15's target: ≥ 1.0× HGB rows/s).
 *
 *   node --import tsx bench/predict-batch.ts [--python]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/config/config.js';
import { type Matrix, matrix } from '../src/core/matrix.js';
import type { Frame } from '../src/data/frame.js';
import { DataLoader } from '../src/data/loader.js';
import { InferencePipeline } from '../src/inference/index.js';
import { predictFile } from '../src/inference/predict-file.js';
import { predictThread } from '../src/models/tree/predict-thread.js';
import { TrainingPipeline } from '../src/train/training-pipeline.js';
import { writeResult } from './write-result.js';

const DATA = new URL('../examples/data/diamonds.csv', import.meta.url).pathname;

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-predict-'));
  const cfg = resolveConfig({
    data: { path: DATA, target: 'price' },
    models: [{ name: 'gbdt', model: 'gbdt', params: { max_iter: 100, early_stopping: 'false' } }],
    output: { dir: root },
  });
  const run = await new TrainingPipeline(cfg).run();
  const p = InferencePipeline.load(run.runDir);
  const { frame } = await DataLoader.load(DATA);
  const input = frame.drop(['price']);
  const n = input.nRows;

  // Wall and CPU seconds (median of reps): the machine is shared, so CPU time is the steadier one.
  const time = (fn: () => void, reps = 5): { wall: number; cpu: number } => {
    fn(); // warm-up (JIT)
    const w: number[] = [];
    const c: number[] = [];
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      w.push((performance.now() - t0) / 1000);
      const d = process.cpuUsage(c0);
      c.push((d.user + d.system) / 1e6);
    }
    const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(reps / 2)];
    return { wall: med(w), cpu: med(c) };
  };
  const rate = (rows: number, s: { wall: number; cpu: number }) => ({
    wall: Math.round(rows / s.wall),
    cpu: Math.round(rows / s.cpu),
  });
  const bare = (f: Frame) => p.model.predict(p.preprocessor.transform(f).X);
  const Xt = p.preprocessor.transform(input).X;
  // Alternated, so every path sees the same machine load; the better of each is kept.
  const paths = ['js', 'wasm1', 'wasm2'] as const;
  const alternate = (X: Matrix, reps: number, rounds: number) => {
    const runs = Array.from({ length: rounds }, () => paths.map((path) => pathRate(path, X, reps)));
    return Object.fromEntries(paths.map((path, k) => [path, runs.map((r) => r[k]).reduce(best)]));
  };
  const pathRate = (path: (typeof paths)[number], X: Matrix, reps: number) => {
    process.env.TABFLOW_KERNELS = path === 'js' ? 'js' : 'wasm';
    process.env.TABFLOW_PREDICT_THREADS = path === 'wasm2' ? '2' : '1';
    const r = rate(
      X.rows,
      time(() => p.model.predict(X), reps),
    );
    delete process.env.TABFLOW_KERNELS;
    delete process.env.TABFLOW_PREDICT_THREADS;
    return r;
  };
  await predictThread()?.whenReady();
  const predictOnly = alternate(Xt, 7, 3);
  const big = repeatRows(Xt, 1_000_000);
  const predictBig = alternate(big, 3, 2);
  const python = process.argv.includes('--python');
  const hgb = python ? hgbRate(n) : null;
  const hgbBig = python ? hgbRate(big.rows) : null;
  const sBare = time(() => bare(input));
  const sTransform = time(() => p.preprocessor.transform(input));
  const sFrame = time(() => p.predictFrame(input));
  const sInterval = time(() => p.predictFrame(input, { interval: true }));
  const nExplain = 500;
  const slice = input.take(Uint32Array.from({ length: nExplain }, (_, i) => i));
  const sExplain = time(() => p.predictFrame(slice, { explain: true }), 3);
  const records = input.toRecords(10_000);
  const sRecords = time(() => p.predict(records), 3);
  const one = [records[0]];
  const sOne = time(() => {
    for (let i = 0; i < 1000; i++) p.predict(one, { interval: true });
  }, 3);

  // The file path of `tabflow predict`: load + validate + predict + write CSV, whole vs streamed.
  const fileRate = async (streamBytes: number) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await predictFile(p, DATA, { out: join(root, 'p.csv'), streamBytes, chunkRows: 16_384 });
    const d = process.cpuUsage(c0);
    return rate(n, { wall: (performance.now() - t0) / 1000, cpu: (d.user + d.system) / 1e6 });
  };
  await fileRate(Number.POSITIVE_INFINITY); // warm-up
  const fileWhole = await fileRate(Number.POSITIVE_INFINITY);
  const fileStreamed = await fileRate(0);
  const frameRate = rate(n, sFrame);
  const result = {
    dataset: 'diamonds',
    rows: n,
    model: { kind: 'gbdt', trees: 100, run_id: run.runId },
    rows_per_s: {
      transform_only: rate(n, sTransform),
      transform_predict: rate(n, sBare),
      predictFrame_validated: frameRate,
      predictFrame_validated_interval: rate(n, sInterval),
      predictFrame_explain_tree_shap: rate(nExplain, sExplain),
      predict_records_10k: rate(10_000, sRecords),
      predict_file_csv_to_csv: fileWhole,
      predict_file_csv_to_csv_streamed_16k_rows: fileStreamed,
    },
    predict_only_rows_per_s: predictOnly,
    wasm_over_js: Number((predictOnly.wasm1.cpu / predictOnly.js.cpu).toFixed(2)),
    two_threads_over_one: Number((predictOnly.wasm2.wall / predictOnly.wasm1.wall).toFixed(2)),
    hgb_predict_rows_per_s: hgb,
    wasm_over_hgb: hgb ? Number((predictOnly.wasm2.wall / hgb.rows_per_s).toFixed(2)) : null,
    predict_only_1m_rows_per_s: predictBig,
    two_threads_over_one_1m: Number((predictBig.wasm2.wall / predictBig.wasm1.wall).toFixed(2)),
    hgb_predict_1m_rows_per_s: hgbBig,
    wasm_over_hgb_1m: hgbBig ? Number((predictBig.wasm2.wall / hgbBig.rows_per_s).toFixed(2)) : null,
    validation_overhead_cpu: Number((sFrame.cpu / sBare.cpu - 1).toFixed(3)),
    single_record_predict_with_interval_ms: { wall: sOne.wall, cpu: sOne.cpu },
    target_rows_per_s: 200_000,
    meets_target: { wall: frameRate.wall >= 200_000, cpu: frameRate.cpu >= 200_000 },
    load_average: os.loadavg().map((x) => Number(x.toFixed(2))),
    note: 'median of timed runs after a warm-up (wasm2: two threads, the rest one); machine shared with other jobs (see load_average)',
  };
  console.log(JSON.stringify(result, null, 2));
  writeResult('predict-batch', result);
}

/** The better (by wall) of two rates. */
function best(a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) {
  return a.wall >= b.wall ? a : b;
}

/** The first `rows` rows of X repeated (as the 1M-row batch of predict_hgb.py). */
function repeatRows(X: Matrix, rows: number): Matrix {
  const data = new Float64Array(rows * X.cols);
  for (let at = 0; at < data.length; at += X.data.length)
    data.set(X.data.subarray(0, Math.min(X.data.length, data.length - at)), at);
  return matrix(rows, X.cols, data);
}

/** HGB's predict rows/s on `rows` rows (diamonds repeated): the better of OMP_NUM_THREADS=1 and 2. */
function hgbRate(rows: number): { rows_per_s: number; threads: string } {
  const runs = ['1', '2'].map((threads) => {
    const args = [new URL('predict_hgb.py', import.meta.url).pathname, DATA, String(rows)];
    const r = spawnSync('/usr/bin/python3', args, {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: threads },
    });
    if (r.status !== 0) throw new Error(`predict_hgb.py failed: ${r.stderr}`);
    const o = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { rows: number; predict_s: number };
    return { rows_per_s: Math.round(o.rows / o.predict_s), threads };
  });
  return runs[0].rows_per_s >= runs[1].rows_per_s ? runs[0] : runs[1];
}

await main();
