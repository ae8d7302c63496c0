/**
 * Kernels over row-major Float64Array data. Training rows use libsvm's form
 * exp(-γ(‖a‖² + ‖b‖² − 2a·b)): one multiply-add per (non-zero) feature.
 */
import { expNeg } from './fast-exp.js';

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

/** Column-major copy (Xt[f·n + j] = X[j, f]) for streaming over rows. */
export function transpose(X: Float64Array, n: number, p: number): Float64Array {
  const Xt = new Float64Array(n * p);
  for (let j = 0, o = 0; j < n; j++, o += p) for (let f = 0; f < p; f++) Xt[f * n + j] = X[o + f];
  return Xt;
}

/**
 * Full kernel rows k(X[i], X[·]) for the SMO cache, from a column-wise copy of X: only the
 * non-zero features of row i are visited; columns that are mostly zero (one-hot indicators) are
 * stored sparse and scattered; runs of up to four dense columns share one pass over the
 * accumulator. Every dot product still adds its terms in ascending feature order, so the result
 * is bit-identical to the dense sum (adding an exact zero changes nothing).
 */
export class KernelRows {
  private readonly cols: Float64Array[] = [];
  private readonly sparseIdx: (Int32Array | null)[] = [];
  private readonly sparseVal: (Float64Array | null)[] = [];
  private readonly acc: Float64Array;
  private readonly runF = new Int32Array(4);
  private readonly runV = new Float64Array(4);

  constructor(
    private readonly k: Kernel,
    private readonly X: Float64Array,
    private readonly sq: Float64Array,
    private readonly n: number,
    private readonly p: number,
  ) {
    this.acc = new Float64Array(n);
    for (let f = 0; f < p; f++) {
      let nz = 0;
      for (let j = 0, o = f; j < n; j++, o += p) if (X[o] !== 0) nz++;
      if (nz < n / 4) {
        const idx = new Int32Array(nz);
        const val = new Float64Array(nz);
        for (let j = 0, o = f, t = 0; j < n; j++, o += p) {
          if (X[o] !== 0) {
            idx[t] = j;
            val[t++] = X[o];
          }
        }
        this.sparseIdx.push(idx);
        this.sparseVal.push(val);
        this.cols.push(new Float64Array(0));
      } else {
        const c = new Float64Array(n);
        for (let j = 0, o = f; j < n; j++, o += p) c[j] = X[o];
        this.sparseIdx.push(null);
        this.sparseVal.push(null);
        this.cols.push(c);
      }
    }
  }

  row(i: number, out: Float32Array | Float64Array): void {
    const { X, p, n, acc, runF, runV } = this;
    acc.fill(0);
    let run = 0;
    const oi = i * p;
    for (let f = 0; f < p; f++) {
      const v = X[oi + f];
      if (v === 0) continue;
      const idx = this.sparseIdx[f];
      if (idx) {
        if (run > 0) this.flush(run);
        run = 0;
        const val = this.sparseVal[f] as Float64Array;
        for (let t = 0; t < idx.length; t++) acc[idx[t]] += v * val[t];
      } else {
        runF[run] = f;
        runV[run++] = v;
        if (run === 4) {
          this.flush(run);
          run = 0;
        }
      }
    }
    if (run > 0) this.flush(run);
    if (this.k.kind === 'linear') {
      for (let j = 0; j < n; j++) out[j] = acc[j];
      return;
    }
    const g = -this.k.gamma;
    const si = this.sq[i];
    const sq = this.sq;
    for (let j = 0; j < n; j++) out[j] = expNeg(g * (si + sq[j] - 2 * acc[j]));
  }

  /** acc[j] = (((acc[j] + v₀c₀[j]) + v₁c₁[j]) + …): same order as one column at a time. */
  private flush(run: number): void {
    const { acc, n, runF, runV, cols } = this;
    const a = cols[runF[0]];
    const va = runV[0];
    if (run === 1) {
      for (let j = 0; j < n; j++) acc[j] += va * a[j];
      return;
    }
    const b = cols[runF[1]];
    const vb = runV[1];
    if (run === 2) {
      for (let j = 0; j < n; j++) acc[j] = acc[j] + va * a[j] + vb * b[j];
      return;
    }
    const c = cols[runF[2]];
    const vc = runV[2];
    if (run === 3) {
      for (let j = 0; j < n; j++) acc[j] = acc[j] + va * a[j] + vb * b[j] + vc * c[j];
      return;
    }
    const d = cols[runF[3]];
    const vd = runV[3];
    for (let j = 0; j < n; j++) acc[j] = acc[j] + va * a[j] + vb * b[j] + vc * c[j] + vd * d[j];
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
