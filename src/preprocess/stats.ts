/**
 * Order statistics and moments on typed arrays, defined as numpy's defaults so learned values
 * match the reference workflow: quantiles interpolate linearly between order statistics
 * (`numpy.quantile(method='linear')`), the standard deviation divides by n (scikit-learn).
 */

/** The non-missing values of `x`, in row order (a work array for `quantile`). */
export function observed(x: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) n++;
  if (n === x.length) return x.slice();
  const out = new Float64Array(n);
  for (let i = 0, k = 0; i < x.length; i++) if (!Number.isNaN(x[i])) out[k++] = x[i];
  return out;
}

/**
 * Quantile q ∈ [0, 1] of the values in `work` (NaN when empty), found by selection in O(n)
 * rather than by sorting (a sort of 1M values costs ~0.3 s). Reorders `work`; call it again on
 * the same array for other quantiles.
 */
export function quantile(work: Float64Array, q: number): number {
  const n = work.length;
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const a = select(work, lo);
  const t = pos - lo;
  if (t === 0) return a;
  // The next order statistic is the smallest value right of the selected one.
  let b = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if (work[i] < b) b = work[i];
  // numpy's _lerp: interpolate from the nearer end, so results match it bit for bit.
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * The k-th smallest value (0-based); afterwards a[i] ≤ a[k] for i < k and a[i] ≥ a[k] for i > k.
 * Median-of-three quickselect with Hoare partitioning (Numerical Recipes' `select`), which also
 * stays fast when many values are equal.
 */
export function select(a: Float64Array, k: number): number {
  let l = 0;
  let r = a.length - 1;
  for (;;) {
    if (r <= l + 1) {
      if (r === l + 1 && a[r] < a[l]) swap(a, l, r);
      return a[k];
    }
    swap(a, (l + r) >> 1, l + 1);
    if (a[l] > a[r]) swap(a, l, r);
    if (a[l + 1] > a[r]) swap(a, l + 1, r);
    if (a[l] > a[l + 1]) swap(a, l, l + 1);
    let i = l + 1;
    let j = r;
    const pivot = a[l + 1];
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (a[j] > pivot);
      if (j < i) break;
      swap(a, i, j);
    }
    a[l + 1] = a[j];
    a[j] = pivot;
    if (j >= k) r = j - 1;
    if (j <= k) l = i;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
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
