/**
 * Kernels over row-major Float64Array data. Training rows use libsvm's form
 * exp(-γ(‖a‖² + ‖b‖² − 2a·b)): one multiply-add per (non-zero) feature.
 */
export type KernelKind = 'rbf' | 'linear';

export interface Kernel {
  readonly kind: KernelKind;
  readonly gamma: number;
}

/** Squared norm of every row. */
export function rowSquares(X: Float64Array, n: number, p: number): Float64Array {
  const sq = new Float64Array(n);
  for (let i = 0, o = 0; i < n; i++, o += p) {
    let s = 0;
    for (let f = 0; f < p; f++) s += X[o + f] * X[o + f];
    sq[i] = s;
  }
  return sq;
}

/** Column-major copy (Xt[f·n + j] = X[j, f]) for streaming kernel rows. */
export function transpose(X: Float64Array, n: number, p: number): Float64Array {
  const Xt = new Float64Array(n * p);
  for (let j = 0, o = 0; j < n; j++, o += p) for (let f = 0; f < p; f++) Xt[f * n + j] = X[o + f];
  return Xt;
}

/**
 * out[j] = k(X[i], X[j]) for j < n, from the column-major Xt: only the non-zero features of row
 * i are visited (one-hot columns are mostly zero), in ascending order, so every dot product is
 * bit-identical to the dense sum. `acc` is scratch (any length ≥ 1; ~1–4k doubles is fastest).
 */
export function kernelRowT(
  k: Kernel,
  X: Float64Array,
  Xt: Float64Array,
  sq: Float64Array,
  n: number,
  p: number,
  i: number,
  acc: Float64Array,
  out: Float32Array | Float64Array,
): void {
  const oi = i * p;
  const rbf = k.kind === 'rbf';
  const g = -k.gamma;
  const si = sq[i];
  const B = acc.length;
  // Blocks of B columns keep the accumulator in L1 across the feature passes.
  for (let j0 = 0; j0 < n; j0 += B) {
    const len = Math.min(B, n - j0);
    acc.fill(0, 0, len);
    for (let f = 0; f < p; f++) {
      const v = X[oi + f];
      if (v === 0) continue;
      const base = f * n + j0;
      for (let t = 0; t < len; t++) acc[t] += v * Xt[base + t];
    }
    if (rbf) for (let t = 0; t < len; t++) out[j0 + t] = Math.exp(g * (si + sq[j0 + t] - 2 * acc[t]));
    else for (let t = 0; t < len; t++) out[j0 + t] = acc[t];
  }
}

/** out[j] = k(X[i], X[j]) for j < n (libsvm's training form). */
export function kernelRow(
  k: Kernel,
  X: Float64Array,
  sq: Float64Array,
  n: number,
  p: number,
  i: number,
  out: Float32Array | Float64Array,
): void {
  const oi = i * p;
  const rbf = k.kind === 'rbf';
  const g = k.gamma;
  const si = sq[i];
  for (let j = 0, oj = 0; j < n; j++, oj += p) {
    let dot = 0;
    for (let f = 0; f < p; f++) dot += X[oi + f] * X[oj + f];
    out[j] = rbf ? Math.exp(-g * (si + sq[j] - 2 * dot)) : dot;
  }
}

/** scikit-learn's gamma='scale': 1 / (p · Var(all entries of X)); 1 when X is constant. */
export function scaleGamma(X: Float64Array, p: number): number {
  let mean = 0;
  for (let i = 0; i < X.length; i++) mean += X[i];
  mean /= X.length;
  let v = 0;
  for (let i = 0; i < X.length; i++) v += (X[i] - mean) ** 2;
  v /= X.length;
  return v > 0 ? 1 / (p * v) : 1;
}
