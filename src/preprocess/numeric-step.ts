/**
 * One numeric channel (a numeric or boolean column, or one part of a datetime): learn on train,
 * in this order, (1) clipping bounds from the observed values, (2) the fill for missing values
 * from the clipped observed values, (3) scaling from the clipped, filled column — exactly what
 * transform then applies row by row: `(fill-or-clip(x) - center) / scale`.
 */
import type { PreprocessConfig } from './params.js';
import { clamp, mean, quantileSorted, sortedObserved, std } from './stats.js';

export interface NumericStats {
  fill: number;
  lo: number;
  hi: number;
  center: number;
  scale: number;
}

/** Learn the statistics of one channel from its train values (NaN = missing, all finite). */
export function fitNumeric(x: Float64Array, cfg: PreprocessConfig): NumericStats {
  const s = sortedObserved(x);
  const n = s.length;
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  if (n > 0 && cfg.outliers === 'iqr') {
    const q1 = quantileSorted(s, 0.25);
    const q3 = quantileSorted(s, 0.75);
    lo = q1 - cfg.iqr_factor * (q3 - q1);
    hi = q3 + cfg.iqr_factor * (q3 - q1);
  } else if (n > 0 && cfg.outliers === 'quantile') {
    lo = quantileSorted(s, cfg.clip_quantile_low);
    hi = quantileSorted(s, cfg.clip_quantile_high);
  }
  // Clipping is monotone, so the clipped values stay sorted.
  const c = lo === Number.NEGATIVE_INFINITY && hi === Number.POSITIVE_INFINITY ? s : clamp(s, lo, hi);
  let fill = cfg.numeric_fill_value;
  if (n > 0 && cfg.numeric_impute === 'median') fill = quantileSorted(c, 0.5);
  else if (n > 0 && cfg.numeric_impute === 'mean') fill = mean(c);

  // The train column as transform will see it: clipped values plus one `fill` per missing row.
  const nMissing = x.length - n;
  let center = 0;
  let scale = 1;
  if (cfg.scaling !== 'none' && x.length > 0) {
    const filled = new Float64Array(x.length);
    filled.set(c);
    filled.fill(fill, n);
    if (cfg.scaling === 'standard') {
      center = mean(filled);
      scale = std(filled, center);
    } else if (cfg.scaling === 'robust') {
      if (nMissing > 0) filled.sort();
      center = quantileSorted(filled, 0.5);
      scale = quantileSorted(filled, 0.75) - quantileSorted(filled, 0.25);
    } else {
      let mn = Number.POSITIVE_INFINITY;
      let mx = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < filled.length; i++) {
        if (filled[i] < mn) mn = filled[i];
        if (filled[i] > mx) mx = filled[i];
      }
      center = mn;
      scale = mx - mn;
    }
    // A constant column would divide by zero (or by rounding noise): leave it unscaled.
    if (isConstant(c, fill, nMissing) || !(scale > 0) || !Number.isFinite(scale)) scale = 1;
  }
  return { fill, lo, hi, center, scale };
}

function isConstant(sortedClipped: Float64Array, fill: number, nMissing: number): boolean {
  const n = sortedClipped.length;
  if (n === 0) return true;
  const first = sortedClipped[0];
  return sortedClipped[n - 1] === first && (nMissing === 0 || fill === first);
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
