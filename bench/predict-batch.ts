/**
 * In-process batch prediction throughput of InferencePipeline.predictFrame (validation against
 * the data contract + transform + predict) for a 100-tree gbdt trained on diamonds, beside the
 * bare transform + predict on the same rows (the cost of validation), and with intervals and
 * attributions. Target (issue 4): ≥ 200,000 rows/s for transform + predict.
 *
 *   node --import tsx bench/predict-batch.ts
 */
import { mkdtempSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/config/config.js';
import type { Frame } from '../src/data/frame.js';
import { DataLoader } from '../src/data/loader.js';
import { InferencePipeline } from '../src/inference/index.js';
import { predictFile } from '../src/inference/predict-file.js';
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
    validation_overhead_cpu: Number((sFrame.cpu / sBare.cpu - 1).toFixed(3)),
    single_record_predict_with_interval_ms: { wall: sOne.wall, cpu: sOne.cpu },
    target_rows_per_s: 200_000,
    meets_target: { wall: frameRate.wall >= 200_000, cpu: frameRate.cpu >= 200_000 },
    load_average: os.loadavg().map((x) => Number(x.toFixed(2))),
    note: 'median of timed runs after a warm-up, one thread; machine shared with other jobs (see load_average)',
  };
  console.log(JSON.stringify(result, null, 2));
  writeResult('predict-batch', result);
}

await main();
