/**
 * libsvm's SMO solver (Chang & Lin) for ε-SVR: 2n dual variables, α⁺ᵣ (sign +1, linear term
 * ε − yᵣ) and α⁻ᵣ (sign −1, ε + yᵣ) per training row r, Q = sₐs_bK. Working pairs are chosen by
 * second-order information (WSS3, Fan, Chen & Lin 2005); shrinking drops variables stuck at a
 * bound, and their gradient is rebuilt from Ḡ before the final check. Stopping rule, ρ and the
 * objective are libsvm's, so results match scikit-learn's SVR (fixtures: dual objective to ~1e-6,
 * predictions to < 1e-3 relative; usually identical).
 *
 * Layout (the speed-up over a line-by-line port): both variables of a row live side by side
 * (index 2r and 2r+1) and are visited together. The gradient is kept as F = s·∇f, so a step adds
 * the same K_ri·sᵢΔαᵢ + K_rj·sⱼΔαⱼ to both — one kernel lookup per row instead of two — and the
 * rows still active are kept in ascending order, so kernel rows are read sequentially. I_up /
 * I_low membership (and shrinking) is an additive mask, 0 or −∞. Only the order in which exact
 * ties are broken differs from libsvm's (variable order is row-major here).
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
  /** k(xᵣ, xᵣ). */
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
  /** Decision function f(x) = Σ coefᵣ k(xᵣ, x) − rho. */
  readonly rho: number;
  /** Dual objective ½αᵀQα + pᵀα (libsvm's `obj`). */
  readonly objective: number;
  readonly iterations: number;
  readonly hitMaxIter: boolean;
}

/** Sign of variable v (even: α⁺, odd: α⁻). */
const sign = (v: number) => (v & 1 ? -1 : 1);

export class SvrSmo {
  private readonly n: number;
  private readonly L: number;
  private readonly alpha: Float64Array;
  private readonly status: Uint8Array;
  private readonly active: Uint8Array;
  /** 0 when variable v is active and in I_up (can move up along its sign), else −∞; same for I_low. */
  private readonly upMask: Float64Array;
  private readonly lowMask: Float64Array;
  /** F = s·∇f (libsvm's y[t]·G[t]). */
  private readonly F: Float64Array;
  /** s·Ḡ: the gradient part due to variables at the upper bound. */
  private readonly Fbar: Float64Array;
  /** s·p: the linear term. */
  private readonly sp: Float64Array;
  private readonly diag: Float64Array;
  private readonly C: number;
  /** Rows with at least one active variable, ascending; `nRows` of them are valid. */
  private readonly rows: Int32Array;
  private nRows: number;
  /** Active variables (for the shrinking rule and the final check). */
  private activeVars: number;
  private unshrink = false;
  private counter: number;
  private readonly maxIter: number;
  iterations = 0;
  private done = false;
  private hitMax = false;
  private wi = -1;
  private wj = -1;
  /** WSS3 `i` found by the last gradient update, or −2 when it must be recomputed. */
  private nextGmax = 0;
  private nextGmaxIdx = -2;

  constructor(private readonly prob: SmoProblem) {
    const n = prob.n;
    const L = 2 * n;
    this.n = n;
    this.L = L;
    this.C = prob.C;
    this.alpha = new Float64Array(L);
    this.status = new Uint8Array(L);
    this.active = new Uint8Array(L).fill(1);
    this.upMask = new Float64Array(L);
    this.lowMask = new Float64Array(L);
    this.sp = new Float64Array(L);
    for (let r = 0; r < n; r++) {
      this.sp[2 * r] = prob.epsilon - prob.y[r];
      this.sp[2 * r + 1] = -(prob.epsilon + prob.y[r]);
    }
    for (let v = 0; v < L; v++) this.setStatus(v, LOWER);
    this.F = Float64Array.from(this.sp); // α = 0: ∇f = p
    this.Fbar = new Float64Array(L);
    this.diag = prob.diag;
    this.rows = new Int32Array(n);
    for (let r = 0; r < n; r++) this.rows[r] = r;
    this.nRows = n;
    this.activeVars = L;
    this.counter = Math.min(L, 1000) + 1;
    this.maxIter = prob.maxIter ?? Math.max(10_000_000, 100 * L);
  }

  /** Run up to `iters` iterations; true once converged or out of iterations. */
  step(iters: number): boolean {
    if (this.done) return true;
    const { alpha, status } = this;
    const cache = this.prob.cache;
    const C = this.C;
    for (let t = 0; t < iters; t++) {
      if (!this.nextPair()) return true;
      this.iterations++;
      const i = this.wi;
      const j = this.wj;
      const Ki = cache.get(i >> 1);
      const Kj = cache.get(j >> 1);
      const si = sign(i);
      const sj = sign(j);
      const oldAi = alpha[i];
      const oldAj = alpha[j];
      this.solvePair(i, j, Ki[j >> 1]);
      const ai = alpha[i];
      const aj = alpha[j];
      const ui = status[i] === UPPER;
      const uj = status[j] === UPPER;
      this.setStatus(i, ai >= C ? UPPER : ai <= 0 ? LOWER : FREE);
      this.setStatus(j, aj >= C ? UPPER : aj <= 0 ? LOWER : FREE);
      this.updateGradient(Ki, Kj, si * (ai - oldAi), sj * (aj - oldAj));
      if (ui !== (status[i] === UPPER)) this.updateFbar(Ki, ui ? -C * si : C * si);
      if (uj !== (status[j] === UPPER)) this.updateFbar(Kj, uj ? -C * sj : C * sj);
    }
    return false;
  }

  /**
   * Choose the next working pair (wi, wj), shrinking every so often; false when the solver is done
   * (no violating pair even after unshrinking, or the iteration cap reached).
   */
  private nextPair(): boolean {
    if (this.iterations >= this.maxIter) {
      this.hitMax = true;
      this.finish();
      return false;
    }
    if (--this.counter === 0) {
      this.counter = Math.min(this.L, 1000);
      if (this.prob.shrinking) this.doShrinking();
    }
    if (!this.selectWorkingSet()) {
      this.unshrinkAll();
      if (!this.selectWorkingSet()) {
        this.finish();
        return false;
      }
      this.counter = 1; // shrink again at the next iteration
    }
    return true;
  }

  /**
   * Solve the two-variable subproblem in alpha[i], alpha[j] analytically and clip it to the box
   * [0, C] along the constraint line (libsvm's Solver::Solve); `Kij` is the kernel of their rows.
   */
  private solvePair(i: number, j: number, Kij: number): void {
    const { alpha, F, diag, C } = this;
    const ri = i >> 1;
    const rj = j >> 1;
    const si = sign(i);
    const sj = sign(j);
    const Gi = si * F[i];
    const Gj = sj * F[j];
    const Qij = si * sj * Kij;
    let ai = alpha[i];
    let aj = alpha[j];
    if (si !== sj) {
      let quad = diag[ri] + diag[rj] + 2 * Qij;
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
      let quad = diag[ri] + diag[rj] - 2 * Qij;
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
  }

  /**
   * F_v += K_ri·sᵢΔαᵢ + K_rj·sⱼΔαⱼ for both variables of every listed row, fused with the next
   * WSS3 `i` (argmax of −F over active I_up, ties to the last). Variables shrunk out of a listed
   * row are updated too; reconstructGradient overwrites them before they are used again.
   */
  private updateGradient(Ki: Float32Array, Kj: Float32Array, di: number, dj: number): void {
    const { F, rows, upMask } = this;
    const m = this.nRows;
    let Gmax = NEG_INF;
    let GmaxIdx = -1;
    for (let t = 0; t < m; t++) {
      const r = rows[t];
      const inc = Ki[r] * di + Kj[r] * dj;
      const v = 2 * r;
      const f0 = F[v] + inc;
      const f1 = F[v + 1] + inc;
      F[v] = f0;
      F[v + 1] = f1;
      const a = upMask[v] - f0;
      const b = upMask[v + 1] - f1;
      if (a >= Gmax) {
        Gmax = a;
        GmaxIdx = v;
      }
      if (b >= Gmax) {
        Gmax = b;
        GmaxIdx = v + 1;
      }
    }
    this.nextGmax = Gmax;
    this.nextGmaxIdx = Gmax === NEG_INF ? -1 : GmaxIdx;
  }

  private setStatus(v: number, st: number): void {
    this.status[v] = st;
    if (!this.active[v]) {
      this.upMask[v] = NEG_INF;
      this.lowMask[v] = NEG_INF;
      return;
    }
    const pos = (v & 1) === 0;
    this.upMask[v] = (pos ? st !== UPPER : st !== LOWER) ? 0 : NEG_INF;
    this.lowMask[v] = (pos ? st !== LOWER : st !== UPPER) ? 0 : NEG_INF;
  }

  /** Ḡ_v += C·Q_iv for every variable (both signs of a row get the same s-folded increment). */
  private updateFbar(Ki: Float32Array, cs: number): void {
    const Fbar = this.Fbar;
    for (let r = 0, v = 0; r < this.n; r++, v += 2) {
      const inc = cs * Ki[r];
      Fbar[v] += inc;
      Fbar[v + 1] += inc;
    }
  }

  /** WSS3: i maximises −F over I_up; j minimises −(Gmax + F_j)²/quad over I_low. */
  private selectWorkingSet(): boolean {
    const { F, rows, lowMask, diag } = this;
    const m = this.nRows;
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
    const Ki = i >= 0 ? this.prob.cache.get(i >> 1) : EMPTY_ROW;
    const QDi = i >= 0 ? diag[i >> 1] : 0;
    for (let t = 0; t < m; t++) {
      const r = rows[t];
      const v = 2 * r;
      const a = F[v] + lowMask[v];
      const b = F[v + 1] + lowMask[v + 1];
      if (a >= Gmax2) Gmax2 = a;
      if (b >= Gmax2) Gmax2 = b;
      const ga = Gmax + a;
      const gb = Gmax + b;
      if (ga > 0 || gb > 0) {
        // Both variables of row r share k(x_r, x_r) and K_ir, hence one quad.
        const quad = QDi + diag[r] - 2 * Ki[r];
        const q = quad > 0 ? quad : TAU;
        if (ga > 0) {
          const objDiff = -(ga * ga) / q;
          if (objDiff <= objDiffMin) {
            GminIdx = v;
            objDiffMin = objDiff;
          }
        }
        if (gb > 0) {
          const objDiff = -(gb * gb) / q;
          if (objDiff <= objDiffMin) {
            GminIdx = v + 1;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (Gmax + Gmax2 < this.prob.tol || GminIdx === -1) return false;
    this.wi = i;
    this.wj = GminIdx;
    return true;
  }

  private firstPass(): void {
    const { F, rows, upMask } = this;
    let Gmax = NEG_INF;
    let GmaxIdx = -1;
    for (let t = 0; t < this.nRows; t++) {
      const v = 2 * rows[t];
      const a = upMask[v] - F[v];
      const b = upMask[v + 1] - F[v + 1];
      if (a >= Gmax) {
        Gmax = a;
        GmaxIdx = v;
      }
      if (b >= Gmax) {
        Gmax = b;
        GmaxIdx = v + 1;
      }
    }
    this.nextGmax = Gmax;
    this.nextGmaxIdx = Gmax === NEG_INF ? -1 : GmaxIdx;
  }

  /** libsvm's be_shrunk: a variable at a bound whose gradient says it will stay there. */
  private beShrunk(v: number, Gmax1: number, Gmax2: number): boolean {
    if (this.status[v] === FREE) return false;
    return this.upMask[v] === 0 ? this.F[v] > Gmax2 : -this.F[v] > Gmax1;
  }

  private doShrinking(): void {
    this.nextGmaxIdx = -2;
    const { F, upMask, lowMask, rows, active } = this;
    let Gmax1 = NEG_INF; // max −F over active I_up
    let Gmax2 = NEG_INF; // max F over active I_low
    for (let t = 0; t < this.nRows; t++) {
      for (let v = 2 * rows[t], e = v + 2; v < e; v++) {
        if (upMask[v] === 0 && -F[v] >= Gmax1) Gmax1 = -F[v];
        if (lowMask[v] === 0 && F[v] >= Gmax2) Gmax2 = F[v];
      }
    }
    if (!this.unshrink && Gmax1 + Gmax2 <= this.prob.tol * 10) {
      this.unshrink = true;
      this.unshrinkAll();
    }
    let kept = 0;
    for (let t = 0; t < this.nRows; t++) {
      const r = rows[t];
      for (let v = 2 * r, e = v + 2; v < e; v++) {
        if (active[v] && this.beShrunk(v, Gmax1, Gmax2)) {
          active[v] = 0;
          this.activeVars--;
          this.setStatus(v, this.status[v]);
        }
      }
      if (active[2 * r] || active[2 * r + 1]) rows[kept++] = r;
    }
    this.nRows = kept;
  }

  /** Rebuild F of the shrunk variables from F̄ and the free variables, then reactivate all. */
  private unshrinkAll(): void {
    this.nextGmaxIdx = -2;
    if (this.activeVars === this.L) return;
    const { n, L, F, Fbar, sp, alpha, status, active } = this;
    const cache = this.prob.cache;
    const inactiveRows: number[] = [];
    for (let r = 0; r < n; r++) {
      if (active[2 * r] && active[2 * r + 1]) continue;
      inactiveRows.push(r);
      for (let v = 2 * r; v < 2 * r + 2; v++) if (!active[v]) F[v] = Fbar[v] + sp[v];
    }
    const free: number[] = [];
    for (let v = 0; v < L; v++) if (active[v] && status[v] === FREE) free.push(v);
    // The gradient part of the free variables, Σ αₜsₜK(rₜ, r): by free rows or by shrunk rows,
    // whichever needs fewer kernel rows (libsvm's rule).
    const add = (r: number, s: number) => {
      if (!active[2 * r]) F[2 * r] += s;
      if (!active[2 * r + 1]) F[2 * r + 1] += s;
    };
    if (free.length * L > 2 * this.activeVars * (L - this.activeVars)) {
      for (const r of inactiveRows) {
        const Kr = cache.get(r);
        let s = 0;
        for (const v of free) s += alpha[v] * sign(v) * Kr[v >> 1];
        add(r, s);
      }
    } else {
      const sums = new Float64Array(inactiveRows.length);
      for (const v of free) {
        const Kv = cache.get(v >> 1);
        const c = alpha[v] * sign(v);
        for (let k = 0; k < inactiveRows.length; k++) sums[k] += c * Kv[inactiveRows[k]];
      }
      for (let k = 0; k < inactiveRows.length; k++) add(inactiveRows[k], sums[k]);
    }
    active.fill(1);
    for (let v = 0; v < L; v++) this.setStatus(v, status[v]);
    for (let r = 0; r < n; r++) this.rows[r] = r;
    this.nRows = n;
    this.activeVars = L;
  }

  private finish(): void {
    this.unshrinkAll();
    this.done = true;
  }

  result(): SmoResult {
    if (!this.done) this.finish();
    const { L, F, alpha, sp, status } = this;
    const n = this.prob.n;
    // ρ: mean of s∇f over free variables, else the middle of the feasible interval.
    let nrFree = 0;
    let ub = Number.POSITIVE_INFINITY;
    let lb = NEG_INF;
    let sumFree = 0;
    for (let v = 0; v < L; v++) {
      const pos = (v & 1) === 0;
      if (status[v] === UPPER) {
        if (!pos) ub = Math.min(ub, F[v]);
        else lb = Math.max(lb, F[v]);
      } else if (status[v] === LOWER) {
        if (pos) ub = Math.min(ub, F[v]);
        else lb = Math.max(lb, F[v]);
      } else {
        nrFree++;
        sumFree += F[v];
      }
    }
    const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
    let obj = 0;
    for (let v = 0; v < L; v++) obj += alpha[v] * (sign(v) * (F[v] + sp[v]));
    const coef = new Float64Array(n);
    for (let r = 0; r < n; r++) coef[r] = alpha[2 * r] - alpha[2 * r + 1];
    return { coef, rho, objective: obj / 2, iterations: this.iterations, hitMaxIter: this.hitMax };
  }
}
