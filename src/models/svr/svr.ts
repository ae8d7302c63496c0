/**
 * ε-SVR model family. Up to `max_rows` training rows: exact kernel SVR by libsvm-style SMO.
 * Above it (kernel SVR is O(n²) in time and kernel evaluations): RBF uses Nyström features + a
 * linear ε-SVR by dual coordinate descent; the linear kernel uses that DCD solver directly.
 * Either switch is written into `notes`. Long loops yield to the event loop so an AbortSignal
 * (the candidate's time budget) stops training with a ModelError.
 */
import { ModelError } from '../../core/errors.js';
import { type Matrix, matrix } from '../../core/matrix.js';
import { Rng } from '../../core/random.js';
import { checkFiniteX } from '../check-finite.js';
import type { ModelFamily } from '../families.js';
import { checkFitInput, type FitContext, type Regressor } from '../regressor.js';
import { FittedSvr, type SvrState } from './fitted.js';
import { type Kernel, rowSquares, scaleGamma } from './kernel.js';
import { KernelCache } from './kernel-cache.js';
import { LinearSvrDcd } from './linear-dcd.js';
import { fitNystroem, landmarkCoefs, nystroemRows, sampleLandmarks } from './nystroem.js';
import { SVR_PARAMS, type SvrParams } from './params.js';
import { SvrSmo } from './smo.js';

/** Yield to the event loop this often (ms) so timers, and aborts, can run. */
const YIELD_MS = 40;
/** Memory cap for the Nyström feature matrix (float32). */
const NYSTROEM_MAX_BYTES = 512 * 1024 * 1024;
const DCD_REL_TOL = 0.01;
const DCD_MAX_EPOCHS = 1000;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function checkAbort(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) {
    const why = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
    throw new ModelError('aborted', `svr: training aborted ${where}${why}`);
  }
}

/** Runs `step` until it returns true, yielding every YIELD_MS and checking the signal. */
async function drive(
  step: () => boolean,
  signal: AbortSignal | undefined,
  where: () => string,
): Promise<void> {
  let last = performance.now();
  while (!step()) {
    if (performance.now() - last > YIELD_MS) {
      await tick();
      checkAbort(signal, where());
      last = performance.now();
    }
  }
}

function meanStd(v: Float64Array, off: number, stride: number, n: number): [number, number] {
  let m = 0;
  for (let i = 0, k = off; i < n; i++, k += stride) m += v[k];
  m /= n;
  let s = 0;
  for (let i = 0, k = off; i < n; i++, k += stride) s += (v[k] - m) ** 2;
  return [m, Math.sqrt(s / n)];
}

interface Solved {
  method: SvrState['method'];
  sv: Float64Array;
  coef: Float64Array;
  w: Float64Array;
  intercept: number;
  iterations: number;
  objective: number;
}

export class Svr implements Regressor {
  readonly kind = 'svr';
  constructor(readonly params: SvrParams) {}

  async fit(X: Matrix, y: Float64Array, ctx: FitContext): Promise<FittedSvr> {
    checkFitInput('svr', X, y);
    checkFiniteX('svr', X, 'fit');
    checkAbort(ctx.signal, 'before it started');
    const P = this.params;
    const { rows: n, cols: p } = X;
    let [yMean, yStd] = meanStd(y, 0, 1, n);
    if (!P.scale_target || !(yStd > 0)) yStd = 1;
    if (!P.scale_target) yMean = 0;
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) ys[i] = (y[i] - yMean) / yStd;
    const featureStd = new Float64Array(p);
    for (let f = 0; f < p; f++) featureStd[f] = meanStd(X.data, f, p, n)[1];
    const gamma = P.gamma === 'scale' ? scaleGamma(X.data, p) : P.gamma;
    const kernel: Kernel = { kind: P.kernel, gamma };
    const notes: string[] = [];
    let solved: Solved;
    if (n <= P.max_rows) solved = await this.fitSmo(X, ys, kernel, ctx, notes);
    // A linear kernel has an exact solver for any row count; only RBF needs an approximation.
    else if (kernel.kind === 'linear') solved = await this.fitLinear(X, ys, ctx, notes);
    else if (P.approximation === 'subsample') solved = await this.fitSubsample(X, ys, kernel, ctx, notes);
    else solved = await this.fitNystroem(X, ys, kernel, ctx, notes);
    ctx.onProgress?.(1);
    return new FittedSvr({ ...P }, { ...solved, kernel, nFeatures: p, yMean, yStd, featureStd, notes });
  }

  private async fitSmo(X: Matrix, ys: Float64Array, kernel: Kernel, ctx: FitContext, notes: string[]) {
    const P = this.params;
    const { rows: n, cols: p } = X;
    const sq = rowSquares(X.data, n, p);
    const diag = kernel.kind === 'rbf' ? new Float64Array(n).fill(1) : sq;
    const cache = new KernelCache(kernel, X.data, sq, n, p, P.cache_mb);
    const smo = new SvrSmo({
      n,
      cache,
      diag,
      y: ys,
      epsilon: P.epsilon,
      C: P.C,
      tol: P.tol,
      shrinking: P.shrinking,
      maxIter: P.max_iter,
    });
    await drive(
      () => smo.step(32),
      ctx.signal,
      () => `after ${smo.iterations} SMO iterations on ${n} rows`,
    );
    const r = smo.result();
    if (r.hitMaxIter) {
      notes.push(
        `svr: SMO stopped at max_iter=${r.iterations} before reaching tol=${P.tol}; the fit may be inexact`,
      );
    }
    let nSv = 0;
    for (let i = 0; i < n; i++) if (r.coef[i] !== 0) nSv++;
    const sv = new Float64Array(nSv * p);
    const coef = new Float64Array(nSv);
    for (let i = 0, k = 0; i < n; i++) {
      if (r.coef[i] === 0) continue;
      sv.set(X.data.subarray(i * p, i * p + p), k * p);
      coef[k++] = r.coef[i];
    }
    const w = new Float64Array(kernel.kind === 'linear' ? p : 0);
    if (kernel.kind === 'linear') {
      for (let k = 0; k < nSv; k++) for (let f = 0; f < p; f++) w[f] += coef[k] * sv[k * p + f];
    }
    return {
      method: 'smo' as const,
      sv,
      coef,
      w,
      intercept: -r.rho,
      iterations: r.iterations,
      objective: r.objective,
    };
  }

  /** Exact SVR on `max_rows` rows drawn without replacement (seeded); γ as for all rows. */
  private async fitSubsample(X: Matrix, ys: Float64Array, kernel: Kernel, ctx: FitContext, notes: string[]) {
    const P = this.params;
    const { rows: n, cols: p } = X;
    const idx = Int32Array.from(new Rng(ctx.seed).permutation(n).subarray(0, P.max_rows)).sort();
    const Xs = new Float64Array(idx.length * p);
    const yss = new Float64Array(idx.length);
    for (let k = 0; k < idx.length; k++) {
      Xs.set(X.data.subarray(idx[k] * p, idx[k] * p + p), k * p);
      yss[k] = ys[idx[k]];
    }
    notes.push(
      `svr: kernel SVR on ${n.toLocaleString('en-US')} rows exceeds max_rows=${P.max_rows}: ` +
        `fitted exact SVR on a seeded random subsample of ${idx.length.toLocaleString('en-US')} rows`,
    );
    return this.fitSmo(matrix(idx.length, p, Xs), yss, kernel, ctx, notes);
  }

  private dcdOptions() {
    return { C: this.params.C, epsilon: this.params.epsilon, relTol: DCD_REL_TOL, maxEpochs: DCD_MAX_EPOCHS };
  }

  private async runDcd(dcd: LinearSvrDcd, ctx: FitContext, notes: string[], what: string): Promise<void> {
    await drive(
      () => dcd.epoch(),
      ctx.signal,
      () => `after ${dcd.epochs} ${what} epochs`,
    );
    if (!dcd.converged) notes.push(`svr: ${what} stopped after ${dcd.epochs} epochs before converging`);
  }

  private async fitLinear(X: Matrix, ys: Float64Array, ctx: FitContext, notes: string[]) {
    const { rows: n, cols: p } = X;
    notes.push(
      `svr: linear-kernel SVR on ${n.toLocaleString('en-US')} rows ` +
        `exceeds max_rows=${this.params.max_rows}: ` +
        'solved the same ε-SVR by linear dual coordinate descent (bias learned as a weight) instead of SMO',
    );
    // Centre the columns so the (regularised) bias weight only has to carry a small offset.
    const mu = new Float64Array(p);
    for (let f = 0; f < p; f++) mu[f] = meanStd(X.data, f, p, n)[0];
    const Xc = new Float64Array(n * p);
    for (let i = 0, o = 0; i < n; i++, o += p) for (let f = 0; f < p; f++) Xc[o + f] = X.data[o + f] - mu[f];
    const dcd = new LinearSvrDcd(Xc, n, p, ys, this.dcdOptions(), new Rng(ctx.seed));
    await this.runDcd(dcd, ctx, notes, 'linear DCD');
    let b = dcd.b;
    for (let f = 0; f < p; f++) b -= dcd.w[f] * mu[f];
    return {
      method: 'linear_dcd' as const,
      sv: new Float64Array(0),
      coef: new Float64Array(0),
      w: dcd.w,
      intercept: b,
      iterations: dcd.epochs,
      objective: Number.NaN,
    };
  }

  private async fitNystroem(X: Matrix, ys: Float64Array, kernel: Kernel, ctx: FitContext, notes: string[]) {
    const { rows: n, cols: p } = X;
    const wanted = Math.min(this.params.nystroem_components, n);
    const m = Math.max(1, Math.min(wanted, Math.floor(NYSTROEM_MAX_BYTES / (4 * n))));
    const rng = new Rng(ctx.seed);
    const map = fitNystroem(kernel, X.data, p, sampleLandmarks(n, m, rng));
    notes.push(
      `svr: kernel SVR on ${n.toLocaleString('en-US')} rows exceeds max_rows=${this.params.max_rows}: ` +
        `used Nyström approximation with ${m} components (seeded landmark sample) + linear ε-SVR` +
        (m < wanted ? ` (${wanted} requested; capped by the 512 MB feature-matrix limit)` : ''),
    );
    const F = new Float32Array(n * m);
    const block = 64;
    const scratch = new Float64Array(block * m);
    let from = 0;
    await drive(
      () => {
        const to = Math.min(n, from + block);
        nystroemRows(kernel, map, X.data, p, from, to, scratch);
        for (let k = 0; k < (to - from) * m; k++) F[from * m + k] = scratch[k];
        from = to;
        return from >= n;
      },
      ctx.signal,
      () => `while computing Nyström features (${from}/${n} rows)`,
    );
    const dcd = new LinearSvrDcd(F, n, m, ys, this.dcdOptions(), rng.fork());
    await this.runDcd(dcd, ctx, notes, 'Nyström linear DCD');
    return {
      method: 'nystroem' as const,
      sv: map.Z,
      coef: landmarkCoefs(map, dcd.w),
      w: new Float64Array(0),
      intercept: dcd.b,
      iterations: dcd.epochs,
      objective: Number.NaN,
    };
  }
}

export const svrFamily: ModelFamily = {
  kind: 'svr',
  description:
    'ε-SVR (RBF or linear kernel) by libsvm-style SMO; above max_rows a seeded subsample (or Nyström)',
  params: SVR_PARAMS,
  input: 'onehot',
  capabilities: { basis: 'kernel', attributions: 'sampled', nativeCategoricals: false },
  searchSpace: { C: { kind: 'log', min: 0.1, max: 100 }, epsilon: { kind: 'log', min: 0.01, max: 1 } },
  create: (params) => new Svr(params as SvrParams),
  load: (json) => FittedSvr.load(json),
};
