/**
 * Small symmetric p×p solves on row-major Float64Arrays: Cholesky for ridge's positive definite
 * system, and a rank-revealing minimum-norm solve for OLS on possibly singular normal equations.
 */
import { symmetricEigen } from './symmetric-eigen.js';

/** Solve A x = b for symmetric positive definite A; null when A is not (numerically) PD. */
export function choleskySolve(A: Float64Array, b: Float64Array, p: number): Float64Array | null {
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * p + i] = Math.sqrt(s);
      } else {
        L[i * p + j] = s / L[j * p + j];
      }
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * x[k];
    x[i] = s / L[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
  return x;
}

export interface MinNormSolution {
  readonly x: Float64Array;
  /** Number of eigen-directions kept: the numerical rank of A. */
  readonly rank: number;
}

/**
 * Least-squares solution of A x = b for symmetric positive semi-definite A (a Gram matrix) that
 * ignores directions A cannot see. A is first scaled to unit diagonal (a correlation matrix), so
 * the cutoff `rcond` — eigenvalues below rcond × the largest are treated as zero — does not depend
 * on the units of the columns, and the answer is the minimum-norm solution in those standardised
 * coordinates (the minimum-norm solution of the original problem when columns share one scale).
 * Zero-diagonal (constant) columns get coefficient 0. On a full-rank A this is exactly A⁻¹b.
 */
export function minNormSolve(A: Float64Array, b: Float64Array, p: number, rcond: number): MinNormSolution {
  const live: number[] = [];
  for (let j = 0; j < p; j++) if (A[j * p + j] > 0) live.push(j);
  const x = new Float64Array(p);
  const m = live.length;
  if (m === 0) return { x, rank: 0 };
  const d = live.map((j) => Math.sqrt(A[j * p + j]));
  const S = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let c = 0; c < m; c++) S[a * m + c] = A[live[a] * p + live[c]] / (d[a] * d[c]);
  }
  const { values: lambda, vectors: V } = symmetricEigen(S, m);
  let lmax = 0;
  for (const l of lambda) lmax = Math.max(lmax, l);
  const cut = rcond * lmax;
  const bs = Float64Array.from(live, (j, a) => b[j] / d[a]);
  const xs = new Float64Array(m);
  let rank = 0;
  for (let k = 0; k < m; k++) {
    if (!(lambda[k] > cut)) continue;
    rank++;
    const v = k * m;
    let proj = 0;
    for (let a = 0; a < m; a++) proj += V[v + a] * bs[a];
    const f = proj / lambda[k];
    for (let a = 0; a < m; a++) xs[a] += f * V[v + a];
  }
  for (let a = 0; a < m; a++) x[live[a]] = xs[a] / d[a];
  return { x, rank };
}
