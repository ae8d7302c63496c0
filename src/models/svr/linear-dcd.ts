/**
 * Linear ε-SVR (L2-regularised, ε-insensitive L1 loss) by dual coordinate descent with
 * shrinking — LIBLINEAR's solver 13 (Ho & Lin 2012). Used where kernel SMO would be O(n²): on
 * Nyström features, and for the linear kernel above `max_rows`. The bias is learned as the
 * weight of a constant feature 1, as LIBLINEAR does. Runs epoch by epoch so the caller can yield.
 */
import type { Rng } from '../../core/random.js';

export interface DcdOptions {
  readonly C: number;
  readonly epsilon: number;
  /** Stop when the summed KKT violation falls below tol × its first-epoch value. */
  readonly relTol: number;
  readonly maxEpochs: number;
}

export class LinearSvrDcd {
  readonly w: Float64Array;
  b = 0;
  epochs = 0;
  converged = false;
  private readonly beta: Float64Array;
  private readonly qd: Float64Array;
  private readonly index: Int32Array;
  private active: number;
  private gmaxOld = Number.POSITIVE_INFINITY;
  private gnormInit = 0;

  constructor(
    private readonly F: Float64Array | Float32Array,
    private readonly n: number,
    private readonly d: number,
    private readonly y: Float64Array,
    private readonly opt: DcdOptions,
    private readonly rng: Rng,
  ) {
    this.w = new Float64Array(d);
    this.beta = new Float64Array(n);
    this.qd = new Float64Array(n);
    this.index = new Int32Array(n);
    for (let i = 0, o = 0; i < n; i++, o += d) {
      let s = 1; // the bias feature
      for (let f = 0; f < d; f++) s += F[o + f] * F[o + f];
      this.qd[i] = s;
      this.index[i] = i;
    }
    this.active = n;
  }

  /** One pass over the active rows; true when finished. */
  epoch(): boolean {
    if (this.converged || this.epochs >= this.opt.maxEpochs) return true;
    const { F, d, y, w, beta, qd, index, rng } = this;
    const U = this.opt.C;
    const p = this.opt.epsilon;
    const gOld = this.gmaxOld;
    let gmaxNew = 0;
    let gnorm1 = 0;
    for (let s = 0; s < this.active; s++) {
      const r = s + rng.int(this.active - s);
      const t = index[s];
      index[s] = index[r];
      index[r] = t;
    }
    for (let s = 0; s < this.active; s++) {
      const i = index[s];
      const o = i * d;
      let g = this.b - y[i];
      for (let f = 0; f < d; f++) g += w[f] * F[o + f];
      const gp = g + p;
      const gn = g - p;
      const bi = beta[i];
      let viol = 0;
      let shrink = false;
      if (bi === 0) {
        if (gp < 0) viol = -gp;
        else if (gn > 0) viol = gn;
        else if (gp > gOld && gn < -gOld) shrink = true;
      } else if (bi >= U) {
        if (gp > 0) viol = gp;
        else if (gp < -gOld) shrink = true;
      } else if (bi <= -U) {
        if (gn < 0) viol = -gn;
        else if (gn > gOld) shrink = true;
      } else viol = bi > 0 ? Math.abs(gp) : Math.abs(gn);
      if (shrink) {
        this.active--;
        index[s] = index[this.active];
        index[this.active] = i;
        s--;
        continue;
      }
      if (viol > gmaxNew) gmaxNew = viol;
      gnorm1 += viol;
      const H = qd[i];
      let z: number;
      if (gp < H * bi) z = -gp / H;
      else if (gn > H * bi) z = -gn / H;
      else z = -bi;
      if (Math.abs(z) < 1e-12) continue;
      const nb = Math.min(Math.max(bi + z, -U), U);
      z = nb - bi;
      beta[i] = nb;
      for (let f = 0; f < d; f++) w[f] += z * F[o + f];
      this.b += z;
    }
    if (this.epochs === 0) this.gnormInit = gnorm1;
    this.epochs++;
    if (gnorm1 <= this.opt.relTol * this.gnormInit) {
      if (this.active === this.n) {
        this.converged = true;
        return true;
      }
      this.active = this.n; // re-check every row before stopping
      this.gmaxOld = Number.POSITIVE_INFINITY;
      return false;
    }
    this.gmaxOld = gmaxNew;
    return this.epochs >= this.opt.maxEpochs;
  }
}
