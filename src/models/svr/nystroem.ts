/**
 * Nyström feature map (Williams & Seeger 2001): m landmark rows Z drawn without replacement
 * (seeded); φ(x) = L⁻¹ k(Z, x) with L Lᵀ = K_ZZ + δI, so φ(a)·φ(b) approximates k(a, b).
 * A linear model w on φ is the kernel expansion f(x) = Σ βₘ k(zₘ, x) with β = L⁻ᵀw, so the
 * fitted model has the same form as kernel SVR (landmarks in place of support vectors).
 */
import { ModelError } from '../../core/errors.js';
import type { Rng } from '../../core/random.js';
import { expNeg } from './fast-exp.js';
import { type Kernel, kernelRow, rowSquares } from './kernel.js';

/** Ascending indices of m distinct rows out of n. */
export function sampleLandmarks(n: number, m: number, rng: Rng): Int32Array {
  const perm = rng.permutation(n);
  return Int32Array.from(perm.subarray(0, m)).sort();
}

/** Lower Cholesky factor (row-major m×m) of K + δI; δ grows until K + δI is numerically SPD. */
export function choleskyJitter(K: Float64Array, m: number): { L: Float64Array; jitter: number } {
  let trace = 0;
  for (let i = 0; i < m; i++) trace += K[i * m + i];
  const scale = trace / m || 1;
  for (let jitter = 1e-10 * scale; jitter <= 1e-1 * scale; jitter *= 10) {
    const L = cholesky(K, m, jitter);
    if (L) return { L, jitter };
  }
  throw new ModelError('nystroem_singular', 'svr: Nyström landmark kernel matrix is not positive definite');
}

function cholesky(K: Float64Array, m: number, jitter: number): Float64Array | null {
  const L = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const oj = j * m;
    let d = K[oj + j] + jitter;
    for (let t = 0; t < j; t++) d -= L[oj + t] * L[oj + t];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[oj + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      const oi = i * m;
      let s = K[oi + j];
      for (let t = 0; t < j; t++) s -= L[oi + t] * L[oj + t];
      L[oi + j] = s / ljj;
    }
  }
  return L;
}

export interface NystroemMap {
  /** Landmark rows, m×p. */
  readonly Z: Float64Array;
  readonly m: number;
  readonly L: Float64Array;
  readonly jitter: number;
}

export function fitNystroem(k: Kernel, X: Float64Array, p: number, idx: Int32Array): NystroemMap {
  const m = idx.length;
  const Z = new Float64Array(m * p);
  for (let a = 0; a < m; a++) Z.set(X.subarray(idx[a] * p, idx[a] * p + p), a * p);
  const sq = rowSquares(Z, m, p);
  const K = new Float64Array(m * m);
  const row = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    kernelRow(k, Z, sq, m, p, a, row);
    K.set(row, a * m);
  }
  const { L, jitter } = choleskyJitter(K, m);
  return { Z, m, L, jitter };
}

/**
 * φ for rows [from, to) of X into F (row-major, m per row, F row 0 = X row `from`): k(Z, x), then
 * forward substitution. Eight rows share each pass over L, which is what bounds the speed here.
 */
export function nystroemRows(
  k: Kernel,
  map: NystroemMap,
  X: Float64Array,
  p: number,
  from: number,
  to: number,
  F: Float64Array,
): void {
  const { Z, m, L } = map;
  const zsq = rowSquares(Z, m, p);
  const g = k.gamma;
  const rbf = k.kind === 'rbf';
  for (let i = from; i < to; i++) {
    const o = i * p;
    let xs = 0;
    for (let f = 0; f < p; f++) xs += X[o + f] * X[o + f];
    const fo = (i - from) * m;
    for (let a = 0, za = 0; a < m; a++, za += p) {
      let dot = 0;
      for (let f = 0; f < p; f++) dot += X[o + f] * Z[za + f];
      F[fo + a] = rbf ? expNeg(-g * Math.max(0, xs + zsq[a] - 2 * dot)) : dot;
    }
  }
  const rows = to - from;
  let i = 0;
  for (; i + 8 <= rows; i += 8) {
    const o0 = i * m;
    for (let j = 0; j < m; j++) {
      const lj = j * m;
      let s0 = F[o0 + j];
      let s1 = F[o0 + m + j];
      let s2 = F[o0 + 2 * m + j];
      let s3 = F[o0 + 3 * m + j];
      let s4 = F[o0 + 4 * m + j];
      let s5 = F[o0 + 5 * m + j];
      let s6 = F[o0 + 6 * m + j];
      let s7 = F[o0 + 7 * m + j];
      for (let t = 0, q = o0; t < j; t++, q++) {
        const l = L[lj + t];
        s0 -= l * F[q];
        s1 -= l * F[q + m];
        s2 -= l * F[q + 2 * m];
        s3 -= l * F[q + 3 * m];
        s4 -= l * F[q + 4 * m];
        s5 -= l * F[q + 5 * m];
        s6 -= l * F[q + 6 * m];
        s7 -= l * F[q + 7 * m];
      }
      const d = L[lj + j];
      F[o0 + j] = s0 / d;
      F[o0 + m + j] = s1 / d;
      F[o0 + 2 * m + j] = s2 / d;
      F[o0 + 3 * m + j] = s3 / d;
      F[o0 + 4 * m + j] = s4 / d;
      F[o0 + 5 * m + j] = s5 / d;
      F[o0 + 6 * m + j] = s6 / d;
      F[o0 + 7 * m + j] = s7 / d;
    }
  }
  for (; i < rows; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) {
      const lj = j * m;
      let s = F[o + j];
      for (let t = 0; t < j; t++) s -= L[lj + t] * F[o + t];
      F[o + j] = s / L[lj + j];
    }
  }
}

/** β = L⁻ᵀ w: weights on φ become coefficients on k(zₘ, ·). */
export function landmarkCoefs(map: NystroemMap, w: Float64Array): Float64Array {
  const { m, L } = map;
  const beta = Float64Array.from(w.subarray(0, m));
  for (let j = m - 1; j >= 0; j--) {
    beta[j] /= L[j * m + j];
    const bj = beta[j];
    for (let t = 0; t < j; t++) beta[t] -= L[j * m + t] * bj;
  }
  return beta;
}
