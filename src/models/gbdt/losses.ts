/**
 * Boosting losses (sklearn `_loss`, LightGBM objectives): each gives a baseline prediction,
 * per-row gradients/hessians of the loss w.r.t. the raw prediction, optional leaf re-fitting
 * (absolute and quantile losses have no useful hessian, so leaves take the residual quantile) and
 * the mean loss used for early stopping.
 */
import type { GbdtParams } from './params.js';

export interface Loss {
  readonly name: string;
  /** Hessians are all 1: histograms skip summing them. */
  readonly constantHessian: boolean;
  /**
   * The gradient is `raw − y` (squared loss): a row's gradient may be refreshed where its raw
   * prediction is updated, skipping the separate `gradients` pass (the same subtraction).
   */
  readonly residualGradient?: boolean;
  baseline(y: Float64Array): number;
  /** Fill g (and h unless constant) for every row. */
  gradients(y: Float64Array, raw: Float64Array, g: Float64Array, h: Float64Array): void;
  /** Quantile of residuals that replaces a leaf's Newton value, or null to keep −G/(H+λ). */
  readonly leafQuantile: number | null;
  /** Mean loss over rows (lower is better). */
  value(y: ArrayLike<number>, raw: ArrayLike<number>): number;
}

/** Quantile of the values (linear interpolation, like numpy's default); sorts `v` in place. */
export function quantileInPlace(v: Float64Array, q: number): number {
  const n = v.length;
  if (n === 0) return 0;
  v.sort();
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

const squared: Loss = {
  name: 'squared',
  constantHessian: true,
  residualGradient: true,
  leafQuantile: null,
  baseline(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return s / y.length;
  },
  gradients(y, raw, g) {
    for (let i = 0; i < y.length; i++) g[i] = raw[i] - y[i];
  },
  value(y, raw) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (y[i] - raw[i]) ** 2;
    return s / y.length;
  },
};

function pinball(alpha: number, name: string): Loss {
  return {
    name,
    constantHessian: true,
    leafQuantile: alpha,
    baseline: (y) => quantileInPlace(Float64Array.from(y), alpha),
    gradients(y, raw, g) {
      for (let i = 0; i < y.length; i++) g[i] = y[i] > raw[i] ? -alpha : 1 - alpha;
    },
    value(y, raw) {
      let s = 0;
      for (let i = 0; i < y.length; i++) {
        const r = y[i] - raw[i];
        s += r >= 0 ? alpha * r : (alpha - 1) * r;
      }
      return s / y.length;
    },
  };
}

/**
 * Huber: squared near zero, linear beyond δ, with δ re-estimated every iteration as the
 * `alpha`-quantile of |residual| (Friedman 2001, sklearn's GradientBoostingRegressor).
 */
function huber(alpha: number): Loss {
  let delta = 1;
  const abs = (y: ArrayLike<number>, raw: ArrayLike<number>): Float64Array => {
    const a = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) a[i] = Math.abs(y[i] - raw[i]);
    return a;
  };
  return {
    name: 'huber',
    constantHessian: true,
    leafQuantile: null,
    baseline: (y) => quantileInPlace(Float64Array.from(y), 0.5),
    gradients(y, raw, g) {
      delta = Math.max(quantileInPlace(abs(y, raw), alpha), 1e-12);
      for (let i = 0; i < y.length; i++) {
        const r = raw[i] - y[i];
        g[i] = Math.min(delta, Math.max(r, -delta));
      }
    },
    value(y, raw) {
      let s = 0;
      for (let i = 0; i < y.length; i++) {
        const r = Math.abs(y[i] - raw[i]);
        s += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
      }
      return s / y.length;
    },
  };
}

export function makeLoss(p: GbdtParams): Loss {
  switch (p.loss) {
    case 'squared':
      return squared;
    case 'absolute':
      return pinball(0.5, 'absolute');
    case 'quantile':
      return pinball(p.quantile, 'quantile');
    case 'huber':
      return huber(p.huber_alpha);
  }
}
