/**
 * libsvm's SMO solver (Chang & Lin), specialised to ε-SVR: 2n dual variables, the first n for
 * α⁺ (sign +1, linear term ε − yᵢ), the last n for α⁻ (sign −1, ε + yᵢ), Q = sᵢsⱼK. Working
 * pairs are chosen by second-order information (WSS3, Fan, Chen & Lin 2005); shrinking drops
 * variables stuck at a bound and the gradient is rebuilt from Ḡ before the final check.
 * Iterations, stopping rule and ρ follow libsvm so results match scikit-learn's SVR.
 *
 * Speed (same arithmetic as libsvm, bit for bit): the gradient is kept as F = s·∇f (sign
 * folded in, so the hot loops need no sign branches), membership of I_up / I_low is an additive
 * mask (0 or −∞) instead of a branch, and the gradient update also finds the next WSS3 `i`.
 * `step()` runs a bounded number of iterations so the caller can yield and honour aborts.
 */
import type { KernelCache } from './kernel-cache.js';

const TAU = 1e-12;
const LOWER = 0;
const UPPER = 1;
const FREE = 2;
const NEG_INF = Number.NEGATIVE_INFINITY;
const EMPTY_ROW = new Float32Array(0);

export interface SmoProblem {
  /** Training rows. */
  readonly n: number;
  readonly cache: KernelCache;
  /** k(xᵢ, xᵢ). */
  readonly diag: Float64Array;
  readonly y: Float64Array;
  readonly epsilon: number;
  readonly C: number;
  readonly tol: number;
  readonly shrinking: boolean;
  /** null: libsvm's max(10⁷, 100·2n). */
  readonly maxIter: number | null;
}

export interface SmoResult {
  /** α⁺ − α⁻ per training row. */
  readonly coef: Float64Array;
  /** Decision function f(x) = Σ coefᵢ k(xᵢ, x) − rho. */
  readonly rho: number;
  /** Dual objective ½αᵀQα + pᵀα (libsvm's `obj`). */
  readonly objective: number;
  readonly iterations: number;
  readonly hitMaxIter: boolean;
}

export class SvrSmo {
  private readonly L: number;
  /** Sign sₜ (±1 as doubles). Arrays below are permuted together by shrinking. */
  private readonly s: Float64Array;
  /** Data row of each variable. */
  private readonly real: Int32Array;
  /** Original variable index (to undo the permutation). */
  private readonly activeSet: Int32Array;
  private readonly alpha: Float64Array;
  private readonly status: Uint8Array;
  /** 0 when the variable is in I_up (can move up along s), else −∞; likewise I_low. */
  private readonly upMask: Float64Array;
  private readonly lowMask: Float64Array;
  /** F = s·∇f (libsvm's y[t]·G[t]). */
  private readonly F: Float64Array;
  /** s·Ḡ: the gradient part due to variables at the upper bound. */
  private readonly Fbar: Float64Array;
  /** s·p: the linear term. */
  private readonly sp: Float64Array;
  private readonly QD: Float64Array;
  private readonly C: number;
  private activeSize: number;
  private unshrink = false;
  private counter: number;
  private readonly maxIter: number;
  iterations = 0;
  private done = false;
  private hitMax = false;
  private wi = -1;
  private wj = -1;
  /** WSS3 `i` found by the last gradient update, or index −2 when it must be recomputed. */
  private nextGmax = 0;
  private nextGmaxIdx = -2;

  constructor(private readonly prob: SmoProblem) {
    const n = prob.n;
    const L = 2 * n;
    this.L = L;
    this.C = prob.C;
    this.s = new Float64Array(L);
    this.real = new Int32Array(L);
    this.activeSet = new Int32Array(L);
    this.alpha = new Float64Array(L);
    this.status = new Uint8Array(L); // α = 0: all at the lower bound
    this.upMask = new Float64Array(L);
    this.lowMask = new Float64Array(L);
    this.sp = new Float64Array(L);
    this.QD = new Float64Array(L);
    for (let i = 0; i < n; i++) {
      this.s[i] = 1;
      this.s[i + n] = -1;
      this.real[i] = i;
      this.real[i + n] = i;
      this.sp[i] = prob.epsilon - prob.y[i];
      this.sp[i + n] = -(prob.epsilon + prob.y[i]);
      this.QD[i] = prob.diag[i];
      this.QD[i + n] = prob.diag[i];
    }
    for (let t = 0; t < L; t++) {
      this.activeSet[t] = t;
      this.setStatus(t, LOWER);
    }
    this.F = Float64Array.from(this.sp); // α = 0: ∇f = p
    this.Fbar = new Float64Array(L);
    this.activeSize = L;
    this.counter = Math.min(L, 1000) + 1;
    this.maxIter = prob.maxIter ?? Math.max(10_000_000, 100 * L);
  }

  /** Run up to `iters` iterations; true once converged or out of iterations. */
  step(iters: number): boolean {
    if (this.done) return true;
    const { s, alpha, F, QD, real, status } = this;
    const cache = this.prob.cache;
    const C = this.C;
    for (let t = 0; t < iters; t++) {
      if (this.iterations >= this.maxIter) {
        this.hitMax = true;
        this.finish();
        return true;
      }
      if (--this.counter === 0) {
        this.counter = Math.min(this.L, 1000);
        if (this.prob.shrinking) this.doShrinking();
      }
      if (!this.selectWorkingSet()) {
        this.reconstructGradient();
        this.activeSize = this.L;
        if (!this.selectWorkingSet()) {
          this.finish();
          return true;
        }
        this.counter = 1; // shrink again at the next iteration
      }
      this.iterations++;
      const i = this.wi;
      const j = this.wj;
      const Ki = cache.get(real[i]);
      const Kj = cache.get(real[j]);
      const si = s[i];
      const sj = s[j];
      const Gi = si * F[i];
      const Gj = sj * F[j];
      const Qij = si * sj * Ki[real[j]];
      const oldAi = alpha[i];
      const oldAj = alpha[j];
      let ai = oldAi;
      let aj = oldAj;
      if (si !== sj) {
        let quad = QD[i] + QD[j] + 2 * Qij;
        if (quad <= 0) quad = TAU;
        const delta = (-Gi - Gj) / quad;
        const diff = ai - aj;
        ai += delta;
        aj += delta;
        if (diff > 0) {
          if (aj < 0) {
            aj = 0;
            ai = diff;
          }
        } else if (ai < 0) {
          ai = 0;
          aj = -diff;
        }
        // C_i = C_j = C, so libsvm's test `diff > C_i − C_j` is diff > 0.
        if (diff > 0) {
          if (ai > C) {
            ai = C;
            aj = C - diff;
          }
        } else if (aj > C) {
          aj = C;
          ai = C + diff;
        }
      } else {
        let quad = QD[i] + QD[j] - 2 * Qij;
        if (quad <= 0) quad = TAU;
        const delta = (Gi - Gj) / quad;
        const sum = ai + aj;
        ai -= delta;
        aj += delta;
        if (sum > C) {
          if (ai > C) {
            ai = C;
            aj = sum - C;
          }
        } else if (aj < 0) {
          aj = 0;
          ai = sum;
        }
        if (sum > C) {
          if (aj > C) {
            aj = C;
            ai = sum - C;
          }
        } else if (ai < 0) {
          ai = 0;
          aj = sum;
        }
      }
      alpha[i] = ai;
      alpha[j] = aj;
      const ui = status[i] === UPPER;
      const uj = status[j] === UPPER;
      this.setStatus(i, ai >= C ? UPPER : ai <= 0 ? LOWER : FREE);
      this.setStatus(j, aj >= C ? UPPER : aj <= 0 ? LOWER : FREE);
      const di = si * (ai - oldAi);
      const dj = sj * (aj - oldAj);
      this.updateGradient(Ki, Kj, di, dj);
      if (ui !== (status[i] === UPPER)) this.updateFbar(i, ui ? -C : C);
      if (uj !== (status[j] === UPPER)) this.updateFbar(j, uj ? -C : C);
    }
    return false;
  }

  /**
   * F_k += K_ki·sᵢΔαᵢ + K_kj·sⱼΔαⱼ over the active set, fused with the next WSS3 `i` (argmax of
   * −F over I_up, ties to the last index as in libsvm). A small method of its own so V8 keeps it
   * optimised whatever happens in the branchy update above.
   */
  private updateGradient(Ki: Float32Array, Kj: Float32Array, di: number, dj: number): void {
    const { F, real, upMask } = this;
    const act = this.activeSize;
    let Gmax = NEG_INF;
    let GmaxIdx = -1;
    for (let k = 0; k < act; k++) {
      const r = real[k];
      const f = F[k] + (Ki[r] * di + Kj[r] * dj);
      F[k] = f;
      const v = upMask[k] - f;
      if (v >= Gmax) {
        Gmax = v;
        GmaxIdx = k;
      }
    }
    this.nextGmax = Gmax;
    this.nextGmaxIdx = Gmax === NEG_INF ? -1 : GmaxIdx;
  }

  private setStatus(t: number, st: number): void {
    this.status[t] = st;
    const pos = this.s[t] === 1;
    this.upMask[t] = (pos ? st !== UPPER : st !== LOWER) ? 0 : NEG_INF;
    this.lowMask[t] = (pos ? st !== LOWER : st !== UPPER) ? 0 : NEG_INF;
  }

  private updateFbar(i: number, c: number): void {
    const { s, real, Fbar } = this;
    const Ki = this.prob.cache.get(real[i]);
    const cs = c * s[i];
    for (let k = 0; k < this.L; k++) Fbar[k] += cs * Ki[real[k]];
  }

  /** WSS3: i maximises −F over I_up; j minimises the second-order gain −(Gmax + Fⱼ)²/quad over I_low. */
  private selectWorkingSet(): boolean {
    const { F, QD, real, lowMask } = this;
    const act = this.activeSize;
    // Usually found by the previous gradient update; a separate method keeps this hot
    // function free of rarely-run code (V8 deoptimises on code without type feedback).
    if (this.nextGmaxIdx === -2) this.firstPass();
    const Gmax = this.nextGmax;
    const i = this.nextGmaxIdx;
    this.nextGmaxIdx = -2;
    let Gmax2 = NEG_INF;
    let GminIdx = -1;
    let objDiffMin = Number.POSITIVE_INFINITY;
    // With no i, Gmax = −∞ and no j passes gradDiff > 0, so the empty row is never read.
    const Ki = i >= 0 ? this.prob.cache.get(real[i]) : EMPTY_ROW;
    const QDi = i >= 0 ? QD[i] : 0;
    for (let j = 0; j < act; j++) {
      const v = F[j] + lowMask[j];
      if (v >= Gmax2) Gmax2 = v;
      const gradDiff = Gmax + v;
      if (gradDiff > 0) {
        const quad = QDi + QD[j] - 2 * Ki[real[j]];
        const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
        if (objDiff <= objDiffMin) {
          GminIdx = j;
          objDiffMin = objDiff;
        }
      }
    }
    if (Gmax + Gmax2 < this.prob.tol || GminIdx === -1) return false;
    this.wi = i;
    this.wj = GminIdx;
    return true;
  }

  private firstPass(): void {
    const { F, upMask } = this;
    let Gmax = NEG_INF;
    let GmaxIdx = -1;
    for (let t = 0; t < this.activeSize; t++) {
      const v = upMask[t] - F[t];
      if (v >= Gmax) {
        Gmax = v;
        GmaxIdx = t;
      }
    }
    // libsvm keeps −1 when I_up is empty (every value is −∞).
    this.nextGmax = Gmax;
    this.nextGmaxIdx = Gmax === NEG_INF ? -1 : GmaxIdx;
  }

  /** Shrink a variable at a bound whose gradient says it will stay there. */
  private beShrunk(t: number, Gmax1: number, Gmax2: number): boolean {
    if (this.status[t] === FREE) return false;
    return this.upMask[t] === 0 ? this.F[t] > Gmax2 : -this.F[t] > Gmax1;
  }

  private doShrinking(): void {
    this.nextGmaxIdx = -2;
    const { F, upMask, lowMask } = this;
    let Gmax1 = NEG_INF; // max −F over I_up
    let Gmax2 = NEG_INF; // max F over I_low
    for (let t = 0; t < this.activeSize; t++) {
      if (upMask[t] === 0 && -F[t] >= Gmax1) Gmax1 = -F[t];
      if (lowMask[t] === 0 && F[t] >= Gmax2) Gmax2 = F[t];
    }
    if (!this.unshrink && Gmax1 + Gmax2 <= this.prob.tol * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.L;
    }
    for (let t = 0; t < this.activeSize; t++) {
      if (this.beShrunk(t, Gmax1, Gmax2)) {
        this.activeSize--;
        while (this.activeSize > t) {
          if (!this.beShrunk(this.activeSize, Gmax1, Gmax2)) {
            this.swap(t, this.activeSize);
            break;
          }
          this.activeSize--;
        }
      }
    }
  }

  private swap(i: number, j: number): void {
    const sw = (a: Int32Array | Float64Array | Uint8Array) => {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    };
    sw(this.s);
    sw(this.real);
    sw(this.QD);
    sw(this.F);
    sw(this.status);
    sw(this.upMask);
    sw(this.lowMask);
    sw(this.alpha);
    sw(this.sp);
    sw(this.activeSet);
    sw(this.Fbar);
  }

  /** Rebuild F of the shrunk variables from F̄ and the free variables. */
  private reconstructGradient(): void {
    const { L, activeSize: act, F, Fbar, sp, alpha, s, real, status } = this;
    if (act === L) return;
    this.nextGmaxIdx = -2;
    const cache = this.prob.cache;
    for (let j = act; j < L; j++) F[j] = Fbar[j] + sp[j];
    let nrFree = 0;
    for (let j = 0; j < act; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * L > 2 * act * (L - act)) {
      for (let i = act; i < L; i++) {
        const Ki = cache.get(real[i]);
        let sum = 0;
        for (let j = 0; j < act; j++) if (status[j] === FREE) sum += alpha[j] * (s[j] * Ki[real[j]]);
        F[i] += sum;
      }
    } else {
      for (let i = 0; i < act; i++) {
        if (status[i] !== FREE) continue;
        const Ki = cache.get(real[i]);
        const ai = alpha[i] * s[i];
        for (let j = act; j < L; j++) F[j] += ai * Ki[real[j]];
      }
    }
  }

  private finish(): void {
    if (this.activeSize < this.L) {
      this.reconstructGradient();
      this.activeSize = this.L;
    }
    this.done = true;
  }

  result(): SmoResult {
    if (!this.done) this.finish();
    const { L, s, F, alpha, sp, status } = this;
    const n = this.prob.n;
    // ρ: mean of s∇f over free variables, else the middle of the feasible interval.
    let nrFree = 0;
    let ub = Number.POSITIVE_INFINITY;
    let lb = NEG_INF;
    let sumFree = 0;
    for (let t = 0; t < L; t++) {
      if (status[t] === UPPER) {
        if (s[t] === -1) ub = Math.min(ub, F[t]);
        else lb = Math.max(lb, F[t]);
      } else if (status[t] === LOWER) {
        if (s[t] === 1) ub = Math.min(ub, F[t]);
        else lb = Math.max(lb, F[t]);
      } else {
        nrFree++;
        sumFree += F[t];
      }
    }
    const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
    let obj = 0;
    for (let t = 0; t < L; t++) obj += alpha[t] * (s[t] * (F[t] + sp[t]));
    const coef = new Float64Array(n);
    for (let t = 0; t < L; t++) {
      const o = this.activeSet[t];
      if (o < n) coef[o] += alpha[t];
      else coef[o - n] -= alpha[t];
    }
    return { coef, rho, objective: obj / 2, iterations: this.iterations, hitMaxIter: this.hitMax };
  }
}
