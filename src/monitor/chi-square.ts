/**
 * χ² test of homogeneity between the reference and the current counts over the same categories,
 * equal to scipy.stats.chi2_contingency(table, correction=False) on the 2×k table. Unlike a
 * goodness-of-fit test against the reference proportions, it treats the reference as the sample
 * it is, and a category seen on one side only (an unseen category) stays finite.
 * Categories empty on both sides are dropped (they carry no information).
 */
import { chiSquareSf } from './special-functions.js';

/** A chi-square statistic with its degrees of freedom and p-value. */
export interface ChiSquareResult {
  statistic: number;
  df: number;
  p_value: number;
}

/**
 * Chi-square test that two samples' category counts come from one distribution (categories empty
 * on both sides are left out).
 */
export function chiSquareHomogeneity(
  refCounts: ArrayLike<number>,
  curCounts: ArrayLike<number>,
): ChiSquareResult {
  if (refCounts.length !== curCounts.length) {
    throw new RangeError(
      `chiSquareHomogeneity: ${refCounts.length} reference but ${curCounts.length} current categories`,
    );
  }
  let nRef = 0;
  let nCur = 0;
  let k = 0;
  for (let i = 0; i < refCounts.length; i++) {
    nRef += refCounts[i];
    nCur += curCounts[i];
    if (refCounts[i] + curCounts[i] > 0) k++;
  }
  if (!(nRef > 0) || !(nCur > 0)) return { statistic: Number.NaN, df: 0, p_value: Number.NaN };
  const n = nRef + nCur;
  let stat = 0;
  for (let i = 0; i < refCounts.length; i++) {
    const col = refCounts[i] + curCounts[i];
    if (col === 0) continue;
    const eRef = (nRef * col) / n;
    const eCur = (nCur * col) / n;
    stat += (refCounts[i] - eRef) ** 2 / eRef + (curCounts[i] - eCur) ** 2 / eCur;
  }
  const df = k - 1;
  // One category on both sides: nothing can differ (scipy returns statistic 0, p 1).
  if (df === 0) return { statistic: 0, df: 0, p_value: 1 };
  return { statistic: stat, df, p_value: chiSquareSf(stat, df) };
}
