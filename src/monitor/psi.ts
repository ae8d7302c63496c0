/**
 * Population Stability Index Σ (r_i − c_i)·ln(r_i / c_i) over the proportions of shared bins.
 * Empty bins are filled as Evidently does: with 1e-4, or with the smallest non-zero proportion
 * / 1e6 when that is itself ≤ 1e-4, separately for each side, so an unseen category or an
 * emptied bin gives a large but finite index.
 */

/** Proportions of counts with Evidently's fill for empty bins. */
export function filledProportions(counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const p = new Float64Array(counts.length);
  if (total <= 0) return p.fill(Number.NaN);
  let minNonZero = Number.POSITIVE_INFINITY;
  for (let i = 0; i < counts.length; i++) {
    p[i] = counts[i] / total;
    if (p[i] > 0 && p[i] < minNonZero) minNonZero = p[i];
  }
  const fill = minNonZero <= 1e-4 ? minNonZero / 1e6 : 1e-4;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = fill;
  return p;
}

/** PSI between reference and current counts over the same bins (NaN if either side is empty). */
export function psi(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): number {
  if (refCounts.length !== curCounts.length) {
    throw new RangeError(`psi: ${refCounts.length} reference bins but ${curCounts.length} current bins`);
  }
  const r = filledProportions(refCounts);
  const c = filledProportions(curCounts);
  let s = 0;
  for (let i = 0; i < r.length; i++) s += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return s;
}
