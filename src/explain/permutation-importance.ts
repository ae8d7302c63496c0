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
 * The same result as `permutationImportance`, handing the event loop back between shuffles, so
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

/** The computation, yielding after each shuffle's prediction. */
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
  const p = Xs.cols;
  const sign = metric.greaterIsBetter ? 1 : -1;
  const baseline = metric.compute(ys, model.predict(Xs));
  const { names, group } = sourceGroups(features);
  const work = Float64Array.from(Xs.data);
  const shuffled: Matrix = { rows: n, cols: p, data: work };
  const columns: Record<string, { mean: number; std: number }> = {};
  const drops = new Float64Array(repeats);
  for (let g = 0; g < names.length; g++) {
    const cols: number[] = [];
    for (let j = 0; j < p; j++) if (group[j] === g) cols.push(j);
    for (let r = 0; r < repeats; r++) {
      const perm = rng.permutation(n);
      for (let i = 0; i < n; i++) {
        const src = perm[i] * p;
        for (const j of cols) work[i * p + j] = Xs.data[src + j];
      }
      drops[r] = sign * (baseline - metric.compute(ys, model.predict(shuffled)));
      yield;
    }
    for (let i = 0; i < n; i++) for (const j of cols) work[i * p + j] = Xs.data[i * p + j];
    let mean = 0;
    for (let r = 0; r < repeats; r++) mean += drops[r];
    mean /= repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (drops[r] - mean) ** 2;
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
