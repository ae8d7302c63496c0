/**
 * Permutation importance (Breiman 2001; sklearn.inspection.permutation_importance) per ORIGINAL
 * input column: shuffle the rows of all matrix columns that come from one input together (its
 * one-hot levels move as one), and measure how much the metric gets worse. Seeded; the rows are
 * subsampled to `maxRows` first so the cost stays small on large TEST sets.
 */
import { ConfigError } from '../core/errors.js';
import type { PermutationImportanceRecord } from '../core/importance-record.js';
import { type Matrix, takeRows } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { getMetric, type MetricName } from '../metrics/regression.js';
import type { FeatureInfo, FittedRegressor } from '../models/regressor.js';
import { sourceGroups } from './explanation.js';

/**
 * How permutation importance is measured: the metric, the shuffles per input column, the seed and
 * the row cap.
 */
export interface PermutationImportanceOptions {
  /** Metric whose deterioration is measured (default r2). */
  readonly metric?: MetricName;
  /** Shuffles per input column (default 5; fewer on wide inputs, see maxRows). */
  readonly repeats?: number;
  readonly seed?: number;
  /**
   * Rows used at most, sampled with the seed. Default: as many as keep the row predictions
   * (rows × input columns × repeats) under 50,000, between 500 and 5,000 — a slow model (an
   * ensemble holding a 20,000-vector SVR predicts ~6,000 rows/s) then takes seconds, not a minute.
   * With many input columns the default repeats drop below 5 for the same reason.
   */
  readonly maxRows?: number;
}

/**
 * What results.json stores: per input column the mean and std of the metric's deterioration
 * (the shape is core's, shared with the run-folder format).
 */
export type PermutationImportance = PermutationImportanceRecord<MetricName>;

/**
 * How much the metric worsens when each input column is shuffled (one-hot columns of a source
 * together), averaged over seeded repeats: the importance results.json records.
 */
export function permutationImportance(
  model: FittedRegressor,
  X: Matrix,
  y: Float64Array,
  features: readonly FeatureInfo[],
  opts: PermutationImportanceOptions = {},
): PermutationImportance {
  const steps = importanceSteps(model, X, y, features, opts);
  for (let s = steps.next(); ; s = steps.next()) if (s.done) return s.value;
}

/**
 * The same result as `permutationImportance`, handing the event loop back between batches of shuffles, so
 * work on other threads (calibration's fits) is dispatched while it runs.
 */
export async function permutationImportanceAsync(
  model: FittedRegressor,
  X: Matrix,
  y: Float64Array,
  features: readonly FeatureInfo[],
  opts: PermutationImportanceOptions = {},
): Promise<PermutationImportance> {
  const steps = importanceSteps(model, X, y, features, opts);
  for (let s = steps.next(); ; s = steps.next()) {
    if (s.done) return s.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The computation, yielding after each batch of shuffles is predicted. */
function* importanceSteps(
  model: FittedRegressor,
  X: Matrix,
  y: Float64Array,
  features: readonly FeatureInfo[],
  opts: PermutationImportanceOptions,
): Generator<void, PermutationImportance, void> {
  const metric = getMetric(opts.metric ?? 'r2', 'permutation_importance.metric');
  const nInputs = sourceGroups(features).names.length;
  const maxRows = opts.maxRows ?? defaultRows(nInputs, opts.repeats ?? 5);
  // Wide inputs (ames: 73 columns) would still need 365 predictions of 500 rows: fewer repeats.
  const repeats = opts.repeats ?? defaultRepeats(nInputs, Math.min(maxRows, X.rows));
  const seed = opts.seed ?? 0;
  checkCount('repeats', repeats, 1);
  checkCount('maxRows', maxRows, 2);
  if (X.rows !== y.length)
    throw new RangeError(`permutationImportance: X has ${X.rows} rows but y has ${y.length}`);
  if (features.length !== X.cols) {
    throw new RangeError(
      `permutationImportance: ${features.length} feature descriptions for ${X.cols} columns`,
    );
  }
  const rng = new Rng(seed);
  let Xs = X;
  let ys = y;
  if (X.rows > maxRows) {
    const idx = rng.permutation(X.rows).subarray(0, maxRows).sort();
    Xs = takeRows(X, idx);
    ys = Float64Array.from(idx, (i) => y[i]);
  }
  const n = Xs.rows;
  const sign = metric.greaterIsBetter ? 1 : -1;
  const baseline = metric.compute(ys, model.predict(Xs));
  const { names, group } = sourceGroups(features);
  // Shuffle t shuffles input column ⌊t / repeats⌋; the permutations are drawn in that order.
  const shuffles = names.length * repeats;
  const drops = new Float64Array(shuffles);
  const perBatch = Math.max(1, Math.min(shuffles, Math.floor(BATCH_ROWS / n)));
  for (let t0 = 0; t0 < shuffles; t0 += perBatch) {
    const k = Math.min(perBatch, shuffles - t0);
    const batch = shuffledBatch(Xs, group, rng, t0, k, repeats);
    const pred = model.predict(batch);
    for (let t = 0; t < k; t++) {
      drops[t0 + t] = sign * (baseline - metric.compute(ys, pred.subarray(t * n, (t + 1) * n)));
    }
    yield;
  }
  const columns: Record<string, { mean: number; std: number }> = {};
  for (let g = 0; g < names.length; g++) {
    const d = drops.subarray(g * repeats, (g + 1) * repeats);
    let mean = 0;
    for (let r = 0; r < repeats; r++) mean += d[r];
    mean /= repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (d[r] - mean) ** 2;
    // Population std, as sklearn's importances_std.
    columns[names[g]] = { mean, std: Math.sqrt(v / repeats) };
  }
  const sorted = Object.entries(columns).sort((a, b) => b[1].mean - a[1].mean);
  return {
    metric: metric.name,
    rows: n,
    total_rows: X.rows,
    repeats,
    seed,
    baseline,
    columns: Object.fromEntries(sorted),
  };
}

/**
 * Rows predicted in one call at most (whole shuffles): one large batch instead of a call per
 * shuffle lets a tree model's prediction use its second thread (from 2^20 rows × trees) and pays
 * the per-call costs once; a row's prediction does not depend on the rows beside it, so the drops
 * are the same. 1M run: 100 shuffles of 500 rows in 4 calls instead of 100.
 */
const BATCH_ROWS = 16_384;

/**
 * Shuffles t0 … t0+k−1 stacked: each a copy of Xs whose columns from input column
 * ⌊t / repeats⌋ (one-hot levels together) are permuted by the next permutation of `rng`.
 */
function shuffledBatch(
  Xs: Matrix,
  group: ArrayLike<number>,
  rng: Rng,
  t0: number,
  k: number,
  repeats: number,
): Matrix {
  const { rows: n, cols: p } = Xs;
  const data = new Float64Array(k * n * p);
  for (let t = 0; t < k; t++) {
    const g = Math.floor((t0 + t) / repeats);
    const cols: number[] = [];
    for (let j = 0; j < p; j++) if (group[j] === g) cols.push(j);
    const at = t * n * p;
    data.set(Xs.data, at);
    const perm = rng.permutation(n);
    for (let i = 0; i < n; i++) {
      const src = perm[i] * p;
      for (const j of cols) data[at + i * p + j] = Xs.data[src + j];
    }
  }
  return { rows: k * n, cols: p, data };
}

/** Row predictions the default sample size aims at. */
const ROW_PREDICTIONS = 50_000;

function defaultRows(columns: number, repeats: number): number {
  return Math.max(500, Math.min(5000, Math.floor(ROW_PREDICTIONS / Math.max(1, columns * repeats))));
}

/** 5 shuffles per column, fewer (at least 1) when that would pass the row-prediction budget. */
function defaultRepeats(columns: number, rows: number): number {
  return Math.max(1, Math.min(5, Math.floor(ROW_PREDICTIONS / Math.max(1, columns * rows))));
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new ConfigError([
      {
        path: `permutation_importance.${name}`,
        code: 'out_of_range',
        message: `permutation_importance.${name} = ${v}; use an integer ≥ ${min}`,
      },
    ]);
  }
}
