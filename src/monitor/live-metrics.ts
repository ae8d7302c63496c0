/**
 * Live performance from predictions joined with ground truth (feedback): R², RMSE, MAE and
 * prediction-interval coverage, over everything or over consecutive windows. Rows whose
 * prediction or actual is not a finite number are skipped and counted, never fatal.
 */

/** One arm's (or one model version's) scored rows; all arrays the same length. */
export interface Scored {
  prediction: ArrayLike<number>;
  actual: ArrayLike<number>;
  /** Prediction interval bounds, if the model gave them (NaN = none for that row). */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

/**
 * Accuracy of predictions against the actuals that came back: R², RMSE, MAE and interval coverage,
 * with the rows used.
 */
export interface LiveMetrics {
  /** Rows used (finite prediction and actual). */
  n: number;
  /** Rows skipped for a missing or non-finite prediction or actual. */
  n_invalid: number;
  /** null below 2 rows; sklearn's convention for a constant actual (1 if perfect, else 0). */
  r2: number | null;
  rmse: number | null;
  mae: number | null;
  /** Share of rows with an interval whose interval holds the actual (null: no intervals). */
  coverage: number | null;
  /** Rows with a finite interval. */
  n_interval: number;
  mean_interval_width: number | null;
}

/** Live metrics of one window of rows (or of time). */
export interface WindowMetrics extends LiveMetrics {
  /** Row range [start, end) of the window, or its time range when bucketed by time. */
  start: number;
  end: number;
}

/** Metrics over rows [from, to) (default all). */
export function liveMetrics(s: Scored, from = 0, to = s.prediction.length): LiveMetrics {
  checkLengths(s);
  let n = 0;
  let sumY = 0;
  for (let i = from; i < to; i++) {
    if (Number.isFinite(s.prediction[i]) && Number.isFinite(s.actual[i])) {
      n++;
      sumY += s.actual[i];
    }
  }
  const meanY = n ? sumY / n : 0;
  let ssRes = 0;
  let ssTot = 0;
  let sae = 0;
  let nInt = 0;
  let covered = 0;
  let width = 0;
  for (let i = from; i < to; i++) {
    const p = s.prediction[i];
    const y = s.actual[i];
    if (!Number.isFinite(p) || !Number.isFinite(y)) continue;
    const e = y - p;
    ssRes += e * e;
    sae += Math.abs(e);
    ssTot += (y - meanY) ** 2;
    if (s.lower && s.upper && Number.isFinite(s.lower[i]) && Number.isFinite(s.upper[i])) {
      nInt++;
      if (s.lower[i] <= y && y <= s.upper[i]) covered++;
      width += s.upper[i] - s.lower[i];
    }
  }
  return {
    n,
    n_invalid: to - from - n,
    r2: n < 2 ? null : ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot,
    rmse: n ? Math.sqrt(ssRes / n) : null,
    mae: n ? sae / n : null,
    coverage: nInt ? covered / nInt : null,
    n_interval: nInt,
    mean_interval_width: nInt ? width / nInt : null,
  };
}

/**
 * Metrics over consecutive row windows of `size` rows, each `step` rows after the previous one
 * (step = size: tumbling; step < size: sliding). Rows are taken in the order given (log order).
 * A final partial window is included when it has at least one row.
 */
export function rollingMetrics(s: Scored, size: number, step = size): WindowMetrics[] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`rollingMetrics: size = ${size}, expected an integer ≥ 1`);
  if (!Number.isInteger(step) || step < 1)
    throw new RangeError(`rollingMetrics: step = ${step}, expected an integer ≥ 1`);
  const n = s.prediction.length;
  const out: WindowMetrics[] = [];
  for (let start = 0; start < n; start += step) {
    const end = Math.min(n, start + size);
    out.push({ start, end, ...liveMetrics(s, start, end) });
    if (end === n) break;
  }
  return out;
}

/**
 * Metrics per time bucket of `bucketMs` milliseconds; `timestamps` (epoch ms) must be sorted
 * ascending, as a log read in time order is. Empty buckets are left out.
 */
export function metricsOverTime(s: Scored, timestamps: ArrayLike<number>, bucketMs: number): WindowMetrics[] {
  if (timestamps.length !== s.prediction.length) {
    throw new RangeError(`metricsOverTime: ${timestamps.length} timestamps for ${s.prediction.length} rows`);
  }
  if (!(bucketMs > 0)) throw new RangeError(`metricsOverTime: bucketMs = ${bucketMs}, expected > 0`);
  const out: WindowMetrics[] = [];
  let i = 0;
  for (let k = 0; k < timestamps.length; k++) {
    if (!Number.isFinite(timestamps[k])) {
      throw new RangeError(`metricsOverTime: timestamp of row ${k} is ${timestamps[k]}, expected epoch ms`);
    }
  }
  while (i < timestamps.length) {
    const from = Math.floor(timestamps[i] / bucketMs) * bucketMs;
    let j = i;
    while (j < timestamps.length && timestamps[j] < from + bucketMs) {
      if (j > i && timestamps[j] < timestamps[j - 1]) {
        throw new RangeError(
          `metricsOverTime: timestamps must be sorted; row ${j} is earlier than row ${j - 1}`,
        );
      }
      j++;
    }
    out.push({ ...liveMetrics(s, i, j), start: from, end: from + bucketMs });
    i = j;
  }
  return out;
}

/** Absolute errors of the valid rows (finite prediction and actual), in row order. */
export function absoluteErrors(s: Scored): Float64Array {
  checkLengths(s);
  const out: number[] = [];
  for (let i = 0; i < s.prediction.length; i++) {
    const p = s.prediction[i];
    const y = s.actual[i];
    if (Number.isFinite(p) && Number.isFinite(y)) out.push(Math.abs(y - p));
  }
  return Float64Array.from(out);
}

function checkLengths(s: Scored): void {
  const n = s.prediction.length;
  const bad = [
    ['actual', s.actual],
    ['lower', s.lower],
    ['upper', s.upper],
  ].filter(([, a]) => a !== undefined && (a as ArrayLike<number>).length !== n);
  if (bad.length) {
    throw new RangeError(
      `live metrics: ${n} predictions but ` +
        bad.map(([k, a]) => `${(a as ArrayLike<number>).length} ${k}`).join(', '),
    );
  }
}
