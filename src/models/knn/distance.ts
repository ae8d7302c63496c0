/**
 * Minkowski "reduced" distance (Σ|a−b|² for p = 2, Σ|a−b| for p = 1), summed in feature order
 * so values are bit-identical to scikit-learn's tree code; `limit` abandons the sum early once
 * it is strictly above the worst kept neighbour (partial sums only grow).
 */
export function rdist(
  A: Float64Array,
  ao: number,
  B: Float64Array,
  bo: number,
  p: number,
  pw: number,
  limit: number,
): number {
  let s = 0;
  if (pw === 2) {
    for (let f = 0; f < p; f++) {
      const d = A[ao + f] - B[bo + f];
      s += d * d;
      if (s > limit) return s;
    }
  } else {
    for (let f = 0; f < p; f++) {
      s += Math.abs(A[ao + f] - B[bo + f]);
      if (s > limit) return s;
    }
  }
  return s;
}

/** Reduced distance back to a distance. */
export function fromReduced(r: number, pw: number): number {
  return pw === 2 ? Math.sqrt(r) : r;
}
