/**
 * Order statistics and moments on typed arrays, defined as numpy's defaults so learned values
 * match the reference workflow: quantiles interpolate linearly between order statistics
 * (`numpy.quantile(method='linear')`), the standard deviation divides by n (scikit-learn).
 */

/** The non-missing values of `x`, sorted ascending. */
export function sortedObserved(x: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) n++;
  const out = new Float64Array(n);
  for (let i = 0, k = 0; i < x.length; i++) if (!Number.isNaN(x[i])) out[k++] = x[i];
  return out.sort();
}

/** Quantile q ∈ [0, 1] of ascending `s` (NaN when empty). */
export function quantileSorted(s: Float64Array, q: number): number {
  const n = s.length;
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const t = pos - lo;
  if (t === 0) return s[lo];
  // numpy's _lerp: interpolate from the nearer end, so results match it bit for bit.
  const d = s[hi] - s[lo];
  return t >= 0.5 ? s[hi] - d * (1 - t) : s[lo] + d * t;
}

/** Mean with Neumaier-compensated summation: columns like longitude (-93.6 ± 0.03) keep their digits. */
export function mean(x: Float64Array): number {
  let s = 0;
  let comp = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const t = s + v;
    comp += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return x.length ? (s + comp) / x.length : Number.NaN;
}

/** Population standard deviation around `m` (two passes: stable for large offsets). */
export function std(x: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    s += d * d;
  }
  return x.length ? Math.sqrt(s / x.length) : Number.NaN;
}

export function clamp(x: Float64Array, lo: number, hi: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] < lo ? lo : Math.min(x[i], hi);
  return out;
}
