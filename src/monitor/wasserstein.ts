/**
 * Wasserstein-1 (earth mover's) distance between two samples, equal to
 * scipy.stats.wasserstein_distance: ∫ |F_a(x) − F_b(x)| dx over the merged support.
 * Evidently divides it by the reference standard deviation (ddof 0) so one threshold (0.1)
 * fits every feature; `normalizedWasserstein` does that.
 */

/** W1 between two sorted samples, by a merge walk over both (O(n_a + n_b)). */
export function wassersteinDistance(sortedA: Float64Array, sortedB: Float64Array): number {
  const na = sortedA.length;
  const nb = sortedB.length;
  if (na === 0 || nb === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let x = Math.min(sortedA[0], sortedB[0]);
  let sum = 0;
  for (;;) {
    while (i < na && sortedA[i] <= x) i++;
    while (j < nb && sortedB[j] <= x) j++;
    if (i === na && j === nb) break;
    const next = i === na ? sortedB[j] : j === nb ? sortedA[i] : Math.min(sortedA[i], sortedB[j]);
    sum += Math.abs(i / na - j / nb) * (next - x);
    x = next;
  }
  return sum;
}

/**
 * W1 in units of the reference standard deviation. A constant reference (std 0) gives 0 when
 * the current sample is the same constant and +∞ otherwise: any spread away from a value that
 * never varied in training is drift.
 */
export function normalizedWasserstein(
  sortedRef: Float64Array,
  sortedCur: Float64Array,
  refStd: number,
): number {
  const w = wassersteinDistance(sortedRef, sortedCur);
  if (Number.isNaN(w)) return w;
  if (refStd > 0) return w / refStd;
  return w === 0 ? 0 : Number.POSITIVE_INFINITY;
}
