/**
 * Two-sample Kolmogorov–Smirnov test, equal to scipy.stats.ks_2samp(method='asymp'): the
 * statistic is the largest gap between the two empirical CDFs, the p-value is the finite-n
 * Kolmogorov survival function at n = round(n1·n2 / (n1 + n2)).
 *
 * For drift the reference side is a quantile sketch (see sketch.ts): pass the training count
 * as `n1` so the p-value reflects the real sample sizes; the statistic is then within
 * 1/(2·sketch size) of the one on the full training column.
 */
import { kolmogorovSf } from './kolmogorov.js';

/** The two-sample Kolmogorov-Smirnov statistic D and its p-value. */
export interface KsResult {
  statistic: number;
  p_value: number;
}

/** sup |F_a − F_b| over two sorted samples (a merge walk, O(n_a + n_b)). */
export function ksStatistic(sortedA: Float64Array, sortedB: Float64Array): number {
  const na = sortedA.length;
  const nb = sortedB.length;
  if (na === 0 || nb === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < na && j < nb) {
    const x = Math.min(sortedA[i], sortedB[j]);
    while (i < na && sortedA[i] <= x) i++;
    while (j < nb && sortedB[j] <= x) j++;
    // i/na − j/nb exactly as scipy computes it, so ties give bit-identical statistics.
    const gap = Math.abs(i / na - j / nb);
    if (gap > d) d = gap;
  }
  return d;
}

/**
 * Statistic and two-sided asymptotic p-value. `n1`/`n2` default to the sample lengths; give the
 * real counts when a sample is a sketch.
 */
export function ksTest(
  sortedA: Float64Array,
  sortedB: Float64Array,
  n1 = sortedA.length,
  n2 = sortedB.length,
): KsResult {
  const d = ksStatistic(sortedA, sortedB);
  if (Number.isNaN(d)) return { statistic: Number.NaN, p_value: Number.NaN };
  return { statistic: d, p_value: ksPValue(d, n1, n2) };
}

/** Two-sided p-value of a two-sample KS statistic d for sample sizes n1, n2 (scipy 'asymp'). */
export function ksPValue(d: number, n1: number, n2: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return kolmogorovSf(Math.max(1, roundHalfEven(en)), d);
}

/** numpy's np.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
