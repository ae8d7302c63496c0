/**
 * Gauss–Legendre quadrature on [0, 1]: m nodes and weights that integrate every polynomial of
 * degree ≤ 2m − 1 exactly (to rounding). Nodes are the roots of the Legendre polynomial P_m,
 * found by Newton's method from the usual cosine guesses; cached per m.
 */
export interface Quadrature {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const cache = new Map<number, Quadrature>();

export function gaussLegendre01(m: number): Quadrature {
  const hit = cache.get(m);
  if (hit) return hit;
  const nodes = new Float64Array(m);
  const weights = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      // P_m(x) and P_m'(x) by the three-term recurrence.
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= m; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pm = m === 1 ? x : p1;
      const pm1 = m === 1 ? 1 : p0;
      dp = (m * (x * pm - pm1)) / (x * x - 1);
      const dx = pm / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    // Map [-1, 1] → [0, 1]: t = (1 + x) / 2, weight halves.
    nodes[i] = (1 + x) / 2;
    weights[i] = 1 / ((1 - x * x) * dp * dp);
  }
  const q = { nodes, weights };
  cache.set(m, q);
  return q;
}
