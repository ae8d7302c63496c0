/**
 * libsvm's SMO solver (Chang & Lin), specialised to ε-SVR: 2n dual variables, the first n for
 * α⁺ (sign +1, linear term ε − yᵢ), the last n for α⁻ (sign −1, ε + yᵢ), Q = sᵢsⱼK. Working
 * pairs are chosen by second-order information (WSS3, Fan, Chen & Lin 2005); shrinking drops
 * variables stuck at a bound and the gradient is rebuilt from Ḡ before the final check.
 * Iterations, stopping rule and ρ follow libsvm so results match scikit-learn's SVR.
 * `step()` runs a bounded number of iterations so the caller can yield and honour aborts.
 */
import type { KernelCache } from './kernel-cache.js';

const TAU = 1e-12;
const LOWER = 0;
const UPPER = 1;
const FREE = 2;

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
  private readonly y: Int8Array;
  private readonly real: Int32Array;
  private readonly activeSet: Int32Array;
  private readonly alpha: Float64Array;
  private readonly status: Uint8Array;
  private readonly G: Float64Array;
  private readonly Gbar: Float64Array;
  private readonly pv: Float64Array;
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
  /** First half of the next working-set selection, or index −2 when it must be recomputed. */
  private nextGmax = 0;
  private nextGmaxIdx = -2;

  constructor(private readonly prob: SmoProblem) {
    const n = prob.n;
    const L = 2 * n;
    this.L = L;
    this.C = prob.C;
    this.y = new Int8Array(L);
    this.real = new Int32Array(L);
    this.activeSet = new Int32Array(L);
    this.alpha = new Float64Array(L);
    this.status = new Uint8Array(L); // all at the lower bound
    this.pv = new Float64Array(L);
    this.QD = new Float64Array(L);
    for (let i = 0; i < n; i++) {
      this.y[i] = 1;
      this.y[i + n] = -1;
      this.real[i] = i;
      this.real[i + n] = i;
      this.pv[i] = prob.epsilon - prob.y[i];
      this.pv[i + n] = prob.epsilon + prob.y[i];
      this.QD[i] = prob.diag[i];
      this.QD[i + n] = prob.diag[i];
    }
    for (let i = 0; i < L; i++) this.activeSet[i] = i;
    this.G = Float64Array.from(this.pv); // α = 0
    this.Gbar = new Float64Array(L);
    this.activeSize = L;
    this.counter = Math.min(L, 1000) + 1;
    this.maxIter = prob.maxIter ?? Math.max(10_000_000, 100 * L);
  }

  /** Run up to `iters` iterations; true once converged or out of iterations. */
  step(iters: number): boolean {
    if (this.done) return true;
    const { y, alpha, G, QD, real, status } = this;
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
      const yi = y[i];
      const yj = y[j];
      const Kij = Ki[real[j]];
      const oldAi = alpha[i];
      const oldAj = alpha[j];
      let ai = oldAi;
      let aj = oldAj;
      if (yi !== yj) {
        let quad = QD[i] + QD[j] + 2 * (yi * yj * Kij);
        if (quad <= 0) quad = TAU;
        const delta = (-G[i] - G[j]) / quad;
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
        if (diff > 0) {
          // C_i = C_j = C: the libsvm test `diff > C_i - C_j` reduces to diff > 0.
          if (ai > C) {
            ai = C;
            aj = C - diff;
          }
        } else if (aj > C) {
          aj = C;
          ai = C + diff;
        }
      } else {
        let quad = QD[i] + QD[j] - 2 * (yi * yj * Kij);
        if (quad <= 0) quad = TAU;
        const delta = (G[i] - G[j]) / quad;
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
      status[i] = ai >= C ? UPPER : ai <= 0 ? LOWER : FREE;
      status[j] = aj >= C ? UPPER : aj <= 0 ? LOWER : FREE;
      // G_k += Q_ki Δα_i + Q_kj Δα_j over the active set, fused with the first pass of the next
      // working-set selection (max of −y_t G_t over I_up; ties to the last index, as libsvm).
      const di = yi * (ai - oldAi);
      const dj = yj * (aj - oldAj);
      const act = this.activeSize;
      let Gmax = Number.NEGATIVE_INFINITY;
      let GmaxIdx = -1;
      for (let k = 0; k < act; k++) {
        const r = real[k];
        const yk = y[k];
        const g = G[k] + yk * (Ki[r] * di + Kj[r] * dj);
        G[k] = g;
        const v =
          yk === 1
            ? status[k] !== UPPER
              ? -g
              : Number.NEGATIVE_INFINITY
            : status[k] !== LOWER
              ? g
              : Number.NEGATIVE_INFINITY;
        if (v >= Gmax) {
          Gmax = v;
          GmaxIdx = k;
        }
      }
      this.nextGmax = Gmax;
      this.nextGmaxIdx = GmaxIdx;
      if (ui !== (status[i] === UPPER)) this.updateGbar(i, ui ? -C : C);
      if (uj !== (status[j] === UPPER)) this.updateGbar(j, uj ? -C : C);
    }
    return false;
  }

  private updateGbar(i: number, c: number): void {
    const { y, real, Gbar } = this;
    const Ki = this.prob.cache.get(real[i]);
    const s = c * y[i];
    for (let k = 0; k < this.L; k++) Gbar[k] += s * y[k] * Ki[real[k]];
  }

  /** WSS3: i maximises −yᵢ∇ᵢ over I_up; j minimises the second-order gain over I_low. */
  private selectWorkingSet(): boolean {
    const { y, G, QD, real, status } = this;
    const act = this.activeSize;
    let Gmax = Number.NEGATIVE_INFINITY;
    let Gmax2 = Number.NEGATIVE_INFINITY;
    let GmaxIdx = -1;
    let GminIdx = -1;
    let objDiffMin = Number.POSITIVE_INFINITY;
    if (this.nextGmaxIdx !== -2) {
      // Computed by the gradient update of the previous iteration, nothing moved since.
      Gmax = this.nextGmax;
      GmaxIdx = this.nextGmaxIdx;
    } else {
      for (let t = 0; t < act; t++) {
        if (y[t] === 1) {
          if (status[t] !== UPPER && -G[t] >= Gmax) {
            Gmax = -G[t];
            GmaxIdx = t;
          }
        } else if (status[t] !== LOWER && G[t] >= Gmax) {
          Gmax = G[t];
          GmaxIdx = t;
        }
      }
    }
    this.nextGmaxIdx = -2;
    const i = GmaxIdx;
    const Ki = i >= 0 ? this.prob.cache.get(real[i]) : null;
    const QDi = i >= 0 ? QD[i] : 0;
    for (let j = 0; j < act; j++) {
      if (y[j] === 1) {
        if (status[j] !== LOWER) {
          const gradDiff = Gmax + G[j];
          if (G[j] >= Gmax2) Gmax2 = G[j];
          if (gradDiff > 0 && Ki) {
            const quad = QDi + QD[j] - 2 * Ki[real[j]];
            const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
            if (objDiff <= objDiffMin) {
              GminIdx = j;
              objDiffMin = objDiff;
            }
          }
        }
      } else if (status[j] !== UPPER) {
        const gradDiff = Gmax - G[j];
        if (-G[j] >= Gmax2) Gmax2 = -G[j];
        if (gradDiff > 0 && Ki) {
          const quad = QDi + QD[j] - 2 * Ki[real[j]];
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            GminIdx = j;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (Gmax + Gmax2 < this.prob.tol || GminIdx === -1) return false;
    this.wi = GmaxIdx;
    this.wj = GminIdx;
    return true;
  }

  private beShrunk(i: number, Gmax1: number, Gmax2: number): boolean {
    const s = this.status[i];
    const g = this.G[i];
    if (s === UPPER) return this.y[i] === 1 ? -g > Gmax1 : -g > Gmax2;
    if (s === LOWER) return this.y[i] === 1 ? g > Gmax2 : g > Gmax1;
    return false;
  }

  private doShrinking(): void {
    this.nextGmaxIdx = -2;
    const { y, G, status } = this;
    let Gmax1 = Number.NEGATIVE_INFINITY; // max −y∇f over I_up
    let Gmax2 = Number.NEGATIVE_INFINITY; // max y∇f over I_low
    for (let i = 0; i < this.activeSize; i++) {
      if (y[i] === 1) {
        if (status[i] !== UPPER && -G[i] >= Gmax1) Gmax1 = -G[i];
        if (status[i] !== LOWER && G[i] >= Gmax2) Gmax2 = G[i];
      } else {
        if (status[i] !== UPPER && -G[i] >= Gmax2) Gmax2 = -G[i];
        if (status[i] !== LOWER && G[i] >= Gmax1) Gmax1 = G[i];
      }
    }
    if (!this.unshrink && Gmax1 + Gmax2 <= this.prob.tol * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.L;
    }
    for (let i = 0; i < this.activeSize; i++) {
      if (this.beShrunk(i, Gmax1, Gmax2)) {
        this.activeSize--;
        while (this.activeSize > i) {
          if (!this.beShrunk(this.activeSize, Gmax1, Gmax2)) {
            this.swap(i, this.activeSize);
            break;
          }
          this.activeSize--;
        }
      }
    }
  }

  private swap(i: number, j: number): void {
    const sw = (a: Int8Array | Int32Array | Float64Array | Uint8Array) => {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    };
    sw(this.y);
    sw(this.real);
    sw(this.QD);
    sw(this.G);
    sw(this.status);
    sw(this.alpha);
    sw(this.pv);
    sw(this.activeSet);
    sw(this.Gbar);
  }

  /** Rebuild G of the shrunk variables from Ḡ and the free variables. */
  private reconstructGradient(): void {
    const { L, activeSize: act, G, Gbar, pv, alpha, y, real, status } = this;
    if (act === L) return;
    this.nextGmaxIdx = -2;
    const cache = this.prob.cache;
    for (let j = act; j < L; j++) G[j] = Gbar[j] + pv[j];
    let nrFree = 0;
    for (let j = 0; j < act; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * L > 2 * act * (L - act)) {
      for (let i = act; i < L; i++) {
        const Ki = cache.get(real[i]);
        const yi = y[i];
        let s = 0;
        for (let j = 0; j < act; j++) if (status[j] === FREE) s += alpha[j] * (yi * y[j] * Ki[real[j]]);
        G[i] += s;
      }
    } else {
      for (let i = 0; i < act; i++) {
        if (status[i] !== FREE) continue;
        const Ki = cache.get(real[i]);
        const ai = alpha[i] * y[i];
        for (let j = act; j < L; j++) G[j] += ai * y[j] * Ki[real[j]];
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
    const { L, y, G, alpha, pv, status } = this;
    const n = this.prob.n;
    // ρ: mean y∇f over free variables, else the middle of the feasible interval.
    let nrFree = 0;
    let ub = Number.POSITIVE_INFINITY;
    let lb = Number.NEGATIVE_INFINITY;
    let sumFree = 0;
    for (let i = 0; i < L; i++) {
      const yG = y[i] * G[i];
      if (status[i] === UPPER) {
        if (y[i] === -1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else if (status[i] === LOWER) {
        if (y[i] === 1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else {
        nrFree++;
        sumFree += yG;
      }
    }
    const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
    let obj = 0;
    for (let i = 0; i < L; i++) obj += alpha[i] * (G[i] + pv[i]);
    const coef = new Float64Array(n);
    for (let i = 0; i < L; i++) {
      const o = this.activeSet[i];
      if (o < n) coef[o] += alpha[i];
      else coef[o - n] -= alpha[i];
    }
    return { coef, rho, objective: obj / 2, iterations: this.iterations, hitMaxIter: this.hitMax };
  }
}
