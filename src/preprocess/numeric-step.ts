/**
 * One numeric channel (a numeric or boolean column, or one part of a datetime): learn on train,
 * in this order, (1) clipping bounds from the observed values, (2) the fill for missing values
 * from the clipped observed values, (3) scaling from the clipped, filled column — exactly what
 * transform then applies row by row: `(fill-or-clip(x) - center) / scale`.
 */
import type { PreprocessConfig } from './params.js';
import { clamp, mean, observed, quantile, std } from './stats.js';

export interface NumericStats {
  fill: number;
  lo: number;
  hi: number;
  center: number;
  scale: number;
}

/** Learn the statistics of one channel from its train values (NaN = missing, all finite). */
export function fitNumeric(x: Float64Array, cfg: PreprocessConfig): NumericStats {
  const obs = observed(x);
  const n = obs.length;
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  if (n > 0 && cfg.outliers === 'iqr') {
    const q1 = quantile(obs, 0.25);
    const q3 = quantile(obs, 0.75);
    lo = q1 - cfg.iqr_factor * (q3 - q1);
    hi = q3 + cfg.iqr_factor * (q3 - q1);
  } else if (n > 0 && cfg.outliers === 'quantile') {
    lo = quantile(obs, cfg.clip_quantile_low);
    hi = quantile(obs, cfg.clip_quantile_high);
  }
  const c = lo === Number.NEGATIVE_INFINITY && hi === Number.POSITIVE_INFINITY ? obs : clamp(obs, lo, hi);
  let fill = cfg.numeric_fill_value;
  if (n > 0 && cfg.numeric_impute === 'median') fill = quantile(c, 0.5);
  else if (n > 0 && cfg.numeric_impute === 'mean') fill = mean(c);

  // The train column as transform will see it: clipped values plus one `fill` per missing row.
  let center = 0;
  let scale = 1;
  if (cfg.scaling !== 'none' && x.length > 0) {
    // With no missing value that column is `c` itself, in its order: no copy (5.6 MB per
    // 700,000-row column). Nothing reads `c` afterwards, so the quantiles may reorder it.
    const filled = n === x.length ? c : withFill(c, fill, x.length);
    let mn = Number.POSITIVE_INFINITY;
    let mx = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < filled.length; i++) {
      if (filled[i] < mn) mn = filled[i];
      if (filled[i] > mx) mx = filled[i];
    }
    if (cfg.scaling === 'standard') {
      center = mean(filled);
      scale = std(filled, center);
    } else if (cfg.scaling === 'robust') {
      center = quantile(filled, 0.5);
      scale = quantile(filled, 0.75) - quantile(filled, 0.25);
    } else {
      center = mn;
      scale = mx - mn;
    }
    // A constant column would divide by zero (or by rounding noise): leave it unscaled.
    if (mn === mx || !(scale > 0) || !Number.isFinite(scale)) scale = 1;
  }
  return { fill, lo, hi, center, scale };
}

/**
 * Write one channel into column `j` of the row-major output `out` (`p` columns), and its missing
 * indicator into column `ind` when `ind >= 0`. Returns the first non-finite input value's row, or -1.
 */
export function writeNumeric(
  x: Float64Array,
  st: NumericStats,
  out: Float64Array,
  p: number,
  j: number,
  ind: number,
): number {
  const { fill, lo, hi, center, scale } = st;
  let bad = -1;
  for (let i = 0, k = j; i < x.length; i++, k += p) {
    let v = x[i];
    if (Number.isNaN(v)) {
      v = fill;
      if (ind >= 0) out[k - j + ind] = 1;
    } else {
      // ±Infinity is rejected (reported by the caller), never silently clipped.
      if (bad < 0 && v - v !== 0) bad = i;
      if (v < lo) v = lo;
      else if (v > hi) v = hi;
    }
    out[k] = (v - center) / scale;
  }
  return bad;
}

/** `c` followed by `fill` up to `length` values (the missing rows, filled). */
function withFill(c: Float64Array, fill: number, length: number): Float64Array {
  const filled = new Float64Array(length);
  filled.set(c);
  filled.fill(fill, c.length);
  return filled;
}
