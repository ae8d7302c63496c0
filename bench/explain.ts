/**
 * Explanation cost on diamonds (53,940 rows, 9 inputs; 80/20 split, preprocessed on train):
 *   - TreeSHAP for a 100-tree gbdt with 31 leaves (no early stopping): single-row latency
 *     (one explain() call per row: p50 / p99 / mean) and batch throughput;
 *   - TreeSHAP for a random forest (default: 100 fully grown trees; `--forest-trees`);
 *   - sampling Shapley for k-NN and SVR (background 50 rows, 100 permutations per row);
 *   - permutation importance of the gbdt on 5,000 TEST rows × 5 repeats (what training adds).
 * Writes bench/results/explain.json. No reference implementation runs here: the `shap` package is
 * not installable on this machine (no Python shap, no xgboost), so the numbers stand alone.
 *
 *   node --import tsx bench/explain.ts [--rows 500] [--forest-trees 100]
 */
import { parseArgs } from 'node:util';
import { type Matrix, takeRows } from '../src/core/matrix.js';
import { DataLoader } from '../src/data/loader.js';
import { explain, explainInputs, permutationImportance, pickBackground } from '../src/explain/index.js';
import '../src/models/index.js';
import { Rng } from '../src/core/random.js';
import { treeEnsembleOf } from '../src/explain/index.js';
import { createModel } from '../src/models/families.js';
import type { FeatureInfo, FittedRegressor, InputEncoding } from '../src/models/regressor.js';
import { leafCount, treeDepth } from '../src/models/tree/predictor.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../src/preprocess/index.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500' },
    'forest-trees': { type: 'string', default: '100' },
  },
});
const nRows = Number(args.rows);

interface Data {
  train: { X: Matrix; y: Float64Array };
  test: { X: Matrix; y: Float64Array };
  features: FeatureInfo[];
}

async function prepare(encoding: InputEncoding): Promise<Data> {
  const { frame } = await DataLoader.load(
    new URL('../examples/data/diamonds.csv', import.meta.url).pathname,
    {
      target: 'price',
    },
  );
  const price = frame.get('price');
  if (price.type !== 'numeric') throw new Error('price is not numeric');
  const X = frame.drop(['price']);
  const perm = new Rng(7).permutation(frame.nRows);
  const nTest = Math.round(frame.nRows * 0.2);
  const test = perm.slice(0, nTest).sort();
  const train = perm.slice(nTest).sort();
  const pre = new ProductionPreprocessor(resolvePreprocessConfig({}), { encoding }).fit(X.take(train));
  const tr = pre.transform(X.take(train));
  return {
    train: { X: tr.X, y: Float64Array.from(train, (i) => price.values[i]) },
    test: { X: pre.transform(X.take(test)).X, y: Float64Array.from(test, (i) => price.values[i]) },
    features: tr.features,
  };
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One explain call per row: latency distribution in ms. */
function singleRow(n: number, X: Matrix, fn: (row: Matrix) => void): Record<string, number> {
  const rows = Math.min(n, X.rows);
  for (let i = 0; i < Math.min(20, rows); i++) fn(takeRows(X, [i])); // warm-up
  const ms = new Float64Array(rows);
  const c0 = process.cpuUsage();
  for (let i = 0; i < rows; i++) {
    const row = takeRows(X, [i]);
    const t0 = performance.now();
    fn(row);
    ms[i] = performance.now() - t0;
  }
  const cpu = process.cpuUsage(c0);
  const total = ms.reduce((a, b) => a + b, 0);
  ms.sort();
  return {
    rows,
    p50_ms: quantile(ms, 0.5),
    p99_ms: quantile(ms, 0.99),
    mean_ms: total / rows,
    // Wall time suffers from other processes on the shared 2 cores; CPU time does not.
    mean_cpu_ms: (cpu.user + cpu.system) / 1000 / rows,
  };
}

function batch(X: Matrix, fn: (m: Matrix) => void): Record<string, number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn(X);
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  return {
    rows: X.rows,
    seconds: s,
    rows_per_s: X.rows / s,
    cpu_seconds: cpuS,
    rows_per_cpu_s: X.rows / cpuS,
  };
}

function shape(m: FittedRegressor): Record<string, number> {
  const ens = treeEnsembleOf(m);
  if (!ens) return {};
  let leaves = 0;
  let depth = 0;
  for (const t of ens.trees) {
    leaves += leafCount(t);
    depth = Math.max(depth, treeDepth(t));
  }
  return { trees: ens.trees.length, mean_leaves: leaves / ens.trees.length, max_depth: depth };
}

async function fit(kind: string, params: Record<string, unknown>, d: Data): Promise<FittedRegressor> {
  const t0 = performance.now();
  const m = await createModel(kind, params).fit(d.train.X, d.train.y, {
    features: d.features,
    seed: 1,
    threads: 1,
  });
  console.log(`${kind}: fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return m;
}

const result: Record<string, unknown> = {};
const ord = await prepare('ordinal');
const gbdt = await fit('gbdt', { max_iter: 100, max_leaves: 31, early_stopping: 'false' }, ord);
const predictOne = singleRow(nRows, ord.test.X, (r) => gbdt.predict(r));
result.gbdt_tree_shap = {
  model: shape(gbdt),
  single_row: singleRow(nRows, ord.test.X, (r) => explainInputs(gbdt, r, ord.features)),
  predict_single_row: predictOne,
  batch: batch(
    takeRows(
      ord.test.X,
      Uint32Array.from({ length: 5000 }, (_, i) => i),
    ),
    (m) => explain(gbdt, m),
  ),
};
console.log('gbdt', JSON.stringify(result.gbdt_tree_shap));
{
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const pi = permutationImportance(gbdt, ord.test.X, ord.test.y, ord.features, { seed: 1 });
  const c = process.cpuUsage(c0);
  result.gbdt_permutation_importance = {
    seconds: (performance.now() - t0) / 1000,
    cpu_seconds: (c.user + c.system) / 1e6,
    rows: pi.rows,
    repeats: pi.repeats,
    columns: pi.columns,
  };
  console.log('permutation importance', JSON.stringify(result.gbdt_permutation_importance));
}

const rf = await fit('random_forest', { n_estimators: Number(args['forest-trees']) }, ord);
result.random_forest_tree_shap = {
  model: shape(rf),
  single_row: singleRow(Math.min(nRows, 50), ord.test.X, (r) => explainInputs(rf, r, ord.features)),
};
console.log('random_forest', JSON.stringify(result.random_forest_tree_shap));

const hot = await prepare('onehot');
const bg = pickBackground(hot.train.X, 50, 1);
for (const kind of ['knn', 'svr']) {
  const m = await fit(kind, {}, hot);
  result[`${kind}_sampling_shap`] = {
    background_rows: bg.rows,
    permutations_per_row: 100,
    single_row: singleRow(Math.min(nRows, 30), hot.test.X, (r) =>
      explainInputs(m, r, hot.features, { background: bg, seed: 1 }),
    ),
  };
  console.log(kind, JSON.stringify(result[`${kind}_sampling_shap`]));
}
writeResult('explain', result);
