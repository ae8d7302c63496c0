/**
 * A fitted ε-SVR: f(x) = yStd · (Σₖ coefₖ k(svₖ, x) + intercept) + yMean. The same form holds for
 * exact SMO (support vectors, dual coefficients) and the Nyström path (landmarks, β); the linear
 * kernel also keeps the primal weights w = Σ coefₖ svₖ for a fast predict.
 */
import {
  checkEnvelope,
  decodeF64,
  decodeNumber,
  type EncodedF64,
  encodeF64,
  encodeNumber,
  type JsonNumber,
  type Serialized,
} from '../../core/codec.js';
import { checkFeatureCount } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { checkFiniteX } from '../check-finite.js';
import type { FittedRegressor } from '../regressor.js';
import { expNeg } from './fast-exp.js';
import { type Kernel, rowSquares, transpose } from './kernel.js';
import type { SvrParams } from './params.js';

export const SVR_FORMAT_VERSION = 1;

export type SvrMethod = 'smo' | 'nystroem' | 'linear_dcd';

export interface SvrState {
  readonly method: SvrMethod;
  readonly kernel: Kernel;
  readonly nFeatures: number;
  /** nSV×p support vectors (or landmarks); empty for linear_dcd. */
  readonly sv: Float64Array;
  readonly coef: Float64Array;
  /** Primal weights for the linear kernel (length p), else empty. */
  readonly w: Float64Array;
  readonly intercept: number;
  readonly yMean: number;
  readonly yStd: number;
  /** Train standard deviation of each feature (for importances). */
  readonly featureStd: Float64Array;
  /** Solver iterations (SMO) or epochs (DCD). */
  readonly iterations: number;
  /** libsvm's dual objective for SMO; NaN otherwise. */
  readonly objective: number;
  readonly notes: readonly string[];
}

interface SvrStateJson {
  method: SvrMethod;
  kernel: string;
  gamma: number;
  nFeatures: number;
  sv: EncodedF64;
  coef: EncodedF64;
  w: EncodedF64;
  intercept: number;
  yMean: number;
  yStd: number;
  featureStd: EncodedF64;
  iterations: number;
  objective: JsonNumber;
  notes: string[];
}

/** Evaluation points for the RBF gradient importance (evenly spaced support vectors). */
const GRAD_POINTS = 256;

export class FittedSvr implements FittedRegressor {
  readonly kind = 'svr';
  readonly nFeatures: number;
  readonly notes: readonly string[];
  private importances: Float64Array | null = null;

  constructor(
    readonly params: SvrParams,
    readonly state: SvrState,
  ) {
    this.nFeatures = state.nFeatures;
    this.notes = state.notes;
  }

  get nSupport(): number {
    return this.state.coef.length;
  }

  /** Decision values in the scaled target space. */
  decision(X: Matrix): Float64Array {
    checkFeatureCount('svr', this.nFeatures, X.cols);
    checkFiniteX('svr', X, 'predict');
    const { kernel, coef, w, intercept } = this.state;
    const p = X.cols;
    const out = new Float64Array(X.rows);
    const D = X.data;
    if (kernel.kind === 'linear') {
      for (let i = 0, o = 0; i < X.rows; i++, o += p) {
        let s = intercept;
        for (let f = 0; f < p; f++) s += w[f] * D[o + f];
        out[i] = s;
      }
      return out;
    }
    // ‖x − s‖² = ‖x‖² + ‖s‖² − 2x·s with x·s streamed over the non-zero features of x.
    const m = coef.length;
    const g = -kernel.gamma;
    const svt = this.svT();
    const svSq = this.svSquares();
    const acc = new Float64Array(m);
    for (let i = 0, o = 0; i < X.rows; i++, o += p) {
      acc.fill(0);
      let xs = 0;
      for (let f = 0; f < p; f++) {
        const v = D[o + f];
        if (v === 0) continue;
        xs += v * v;
        const base = f * m;
        for (let k = 0; k < m; k++) acc[k] += v * svt[base + k];
      }
      let s = 0;
      for (let k = 0; k < m; k++) s += coef[k] * expNeg(g * Math.max(0, xs + svSq[k] - 2 * acc[k]));
      out[i] = s + intercept;
    }
    return out;
  }

  private svTCache: Float64Array | null = null;
  private svSqCache: Float64Array | null = null;

  private svT(): Float64Array {
    this.svTCache ??= transpose(this.state.sv, this.state.coef.length, this.nFeatures);
    return this.svTCache;
  }

  private svSquares(): Float64Array {
    this.svSqCache ??= rowSquares(this.state.sv, this.state.coef.length, this.nFeatures);
    return this.svSqCache;
  }

  predict(X: Matrix): Float64Array {
    const out = this.decision(X);
    const { yMean, yStd } = this.state;
    for (let i = 0; i < out.length; i++) out[i] = out[i] * yStd + yMean;
    return out;
  }

  /**
   * Linear kernel: |w_j| · std_j. RBF: mean over (up to 256 evenly spaced) support vectors of
   * |∂f/∂x_j| · std_j, computed analytically (∂k/∂x = −2γ(x − s)k): the local sensitivity of the
   * prediction to a one-standard-deviation change of feature j. Normalised to sum to 1.
   */
  featureImportances(): Float64Array {
    if (this.importances) return Float64Array.from(this.importances);
    const { kernel, sv, coef, w, featureStd } = this.state;
    const p = this.nFeatures;
    const imp = new Float64Array(p);
    if (kernel.kind === 'linear') {
      for (let f = 0; f < p; f++) imp[f] = Math.abs(w[f]) * featureStd[f];
    } else {
      const m = coef.length;
      const E = Math.min(GRAD_POINTS, m);
      const grad = new Float64Array(p);
      for (let e = 0; e < E; e++) {
        const xo = Math.floor((e * m) / E) * p;
        grad.fill(0);
        for (let k = 0, so = 0; k < m; k++, so += p) {
          let d2 = 0;
          for (let f = 0; f < p; f++) {
            const d = sv[xo + f] - sv[so + f];
            d2 += d * d;
          }
          const c = -2 * kernel.gamma * coef[k] * Math.exp(-kernel.gamma * d2);
          for (let f = 0; f < p; f++) grad[f] += c * (sv[xo + f] - sv[so + f]);
        }
        for (let f = 0; f < p; f++) imp[f] += Math.abs(grad[f]) * featureStd[f];
      }
    }
    let s = 0;
    for (let f = 0; f < p; f++) s += imp[f];
    if (s > 0 && Number.isFinite(s)) for (let f = 0; f < p; f++) imp[f] /= s;
    else imp.fill(0);
    this.importances = imp;
    return Float64Array.from(imp);
  }

  toJSON(): Serialized<SvrParams, SvrStateJson> {
    const s = this.state;
    return {
      kind: 'svr',
      formatVersion: SVR_FORMAT_VERSION,
      params: { ...this.params },
      state: {
        method: s.method,
        kernel: s.kernel.kind,
        gamma: s.kernel.gamma,
        nFeatures: s.nFeatures,
        sv: encodeF64(s.sv),
        coef: encodeF64(s.coef),
        w: encodeF64(s.w),
        intercept: s.intercept,
        yMean: s.yMean,
        yStd: s.yStd,
        featureStd: encodeF64(s.featureStd),
        iterations: s.iterations,
        objective: encodeNumber(s.objective),
        notes: [...s.notes],
      },
    };
  }

  static load(json: Serialized): FittedSvr {
    const e = checkEnvelope(json, 'svr', SVR_FORMAT_VERSION);
    const s = e.state as SvrStateJson;
    const kind = s.kernel === 'linear' ? 'linear' : 'rbf';
    return new FittedSvr(e.params as SvrParams, {
      method: s.method,
      kernel: { kind, gamma: decodeNumber(s.gamma, 'svr.state.gamma') },
      nFeatures: s.nFeatures,
      sv: decodeF64(s.sv, 'svr.state.sv'),
      coef: decodeF64(s.coef, 'svr.state.coef'),
      w: decodeF64(s.w, 'svr.state.w'),
      intercept: decodeNumber(s.intercept, 'svr.state.intercept'),
      yMean: decodeNumber(s.yMean, 'svr.state.yMean'),
      yStd: decodeNumber(s.yStd, 'svr.state.yStd'),
      featureStd: decodeF64(s.featureStd, 'svr.state.featureStd'),
      iterations: s.iterations,
      objective: decodeNumber(s.objective, 'svr.state.objective'),
      notes: s.notes ?? [],
    });
  }
}
