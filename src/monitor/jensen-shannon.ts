/**
 * Jensen–Shannon distance (natural log, so between 0 and √ln 2 ≈ 0.83), equal to
 * scipy.spatial.distance.jensenshannon: the square root of the mean Kullback–Leibler
 * divergence of each distribution from their average. Inputs are counts or weights; each side
 * is normalised to sum 1. Evidently flags drift at ≥ 0.1.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) {
    throw new RangeError(`jensenShannonDistance: ${p.length} bins but ${q.length} bins`);
  }
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  if (!(sp > 0) || !(sq > 0)) return Number.NaN;
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, js) / 2);
}
