/**
 * Regression metrics, equal to scikit-learn's (r2_score, root of mean_squared_error,
 * mean_absolute_error, mean_absolute_percentage_error, median_absolute_error). Each metric
 * declares its own direction, so selection and early stopping never special-case a metric.
 */
import { ConfigError } from '../core/errors.js';

/** A regression metric with its direction, so selection and early stopping never special-case one. */
export interface Metric {
  readonly name: MetricName;
  readonly doc: string;
  /** True when larger values are better (R²); false for errors. */
  readonly greaterIsBetter: boolean;
  compute(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number;
}

/** The metrics selection, tuning and reports know. */
export type MetricName = 'r2' | 'rmse' | 'mae' | 'mape' | 'medae';

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new RangeError(`metric: ${a.length} true values but ${b.length} predictions`);
  return a.length;
}

/** Coefficient of determination; sklearn's convention: 1 if perfect constant target, else 0. */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = checkLengths(yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** Mean squared error. */
export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = checkLengths(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < n; i++) s += (yTrue[i] - yPred[i]) ** 2;
  return s / n;
}

/** Root mean squared error, in the target's unit. */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(mse(yTrue, yPred));
}

/** Mean absolute error, in the target's unit. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = checkLengths(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / n;
}

/** As sklearn: |y - ŷ| / max(|y|, eps), averaged; a fraction, not a percent. */
export function mape(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = checkLengths(yTrue, yPred);
  const eps = Number.EPSILON;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(yTrue[i] - yPred[i]) / Math.max(Math.abs(yTrue[i]), eps);
  return s / n;
}

/** Median absolute error: robust to a few large misses. */
export function medae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = checkLengths(yTrue, yPred);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = Math.abs(yTrue[i] - yPred[i]);
  e.sort();
  return n % 2 ? e[(n - 1) >> 1] : (e[n / 2 - 1] + e[n / 2]) / 2;
}

/** Every metric by name, with its doc and direction. */
export const METRICS: Readonly<Record<MetricName, Metric>> = {
  r2: { name: 'r2', doc: 'coefficient of determination', greaterIsBetter: true, compute: r2 },
  rmse: { name: 'rmse', doc: 'root mean squared error', greaterIsBetter: false, compute: rmse },
  mae: { name: 'mae', doc: 'mean absolute error', greaterIsBetter: false, compute: mae },
  mape: {
    name: 'mape',
    doc: 'mean absolute percentage error (fraction)',
    greaterIsBetter: false,
    compute: mape,
  },
  medae: { name: 'medae', doc: 'median absolute error', greaterIsBetter: false, compute: medae },
};

/** The names in {@link METRICS}, in their order (results tables list them so). */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** The metric called `name`; an unknown name is a ConfigError listing the known ones. */
export function getMetric(name: string, path = 'selection.metric'): Metric {
  const m = METRICS[name as MetricName];
  if (!m) {
    throw new ConfigError([
      {
        path,
        code: 'unknown_metric',
        message: `${path} = "${name}" is not a metric; allowed: ${METRIC_NAMES.join(', ')}`,
      },
    ]);
  }
  return m;
}

/** A value for every metric (results.json's per-split scores). */
export type MetricValues = Record<MetricName, number>;

/** All metrics at once. */
export function scoreAll(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): MetricValues {
  const out = {} as MetricValues;
  for (const m of METRIC_NAMES) out[m] = METRICS[m].compute(yTrue, yPred);
  return out;
}

/** True when metric value a is strictly better than b. NaN is never better. */
export function isBetter(metric: Metric, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return metric.greaterIsBetter ? a > b : a < b;
}
