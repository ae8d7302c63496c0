/**
 * Model-agnostic Shapley values by antithetic permutation sampling (Štrumbelj & Kononenko 2014;
 * Mitchell et al. 2022) against a background sample, for models without a structure to exploit
 * (SVR, k-NN). For one background row b and an order π of the feature groups, walk from b to x
 * switching one group at a time to x's values: the prediction changes telescope to f(x) − f(b).
 * Every background row is walked the same number of times, each order together with its reverse
 * (antithetic pair, which cancels much of the order noise), so
 *   Σ_j φ_j = f(x) − mean_b f(b)   exactly, by construction, for any number of samples.
 * Groups let the one-hot columns of one input move together (Shapley values of the inputs).
 */
import { ConfigError, checkFeatureCount } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import type { FittedRegressor } from '../models/regressor.js';

export interface SamplingOptions {
  /** Reference rows (model-matrix columns), e.g. from `pickBackground`. */
  readonly background: Matrix;
  /** Permutations per explained row; rounded up to a multiple of 2 × background rows. */
  readonly nSamples?: number;
  readonly seed?: number;
  /**
   * Number of X's first row in the whole batch (default 0). Each row draws its orders from its own
   * stream, seeded by the seed and this row number, so a row's attributions do not depend on how a
   * batch is cut into chunks or spread over threads.
   */
  readonly firstRow?: number;
  /** group[j] = group of matrix column j (default: each column alone). */
  readonly group?: Int32Array;
  readonly nGroups?: number;
}

export interface SamplingResult {
  readonly baseValue: number;
  /** rows × nGroups, row-major. */
  readonly values: Float64Array;
  readonly nGroups: number;
  /** Permutations walked per row. */
  readonly nSamples: number;
}

export function samplingShap(model: FittedRegressor, X: Matrix, opts: SamplingOptions): SamplingResult {
  const bg = opts.background;
  const p = X.cols;
  checkFeatureCount(model.kind, model.nFeatures, p, 'explain');
  checkFeatureCount(`${model.kind} (background)`, model.nFeatures, bg.cols, 'explain');
  if (bg.rows === 0) {
    throw new ConfigError([
      {
        path: 'background',
        code: 'empty',
        message: 'background has 0 rows; give at least one reference row',
      },
    ]);
  }
  const group = opts.group ?? Int32Array.from({ length: p }, (_, j) => j);
  const G = opts.nGroups ?? p;
  const cols = groupColumns(group, G);
  const B = bg.rows;
  const requested = opts.nSamples ?? 2 * B;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new ConfigError([
      { path: 'nSamples', code: 'out_of_range', message: `nSamples = ${requested}; use a positive integer` },
    ]);
  }
  const pairsPerBg = Math.ceil(requested / (2 * B));
  const chains = 2 * pairsPerBg * B;

  const fBg = model.predict(bg);
  let base = 0;
  for (let b = 0; b < B; b++) base += fBg[b];
  base /= B;

  const seed = opts.seed ?? 0;
  const firstRow = opts.firstRow ?? 0;
  const values = new Float64Array(X.rows * G);
  // Intermediate points of every chain (the endpoints b and x are known): chains × (G − 1) rows.
  const inner = Math.max(0, G - 1);
  const batch = new Float64Array(chains * inner * p);
  const order = new Int32Array(chains * G);
  const phi = new Float64Array(G);
  for (let i = 0; i < X.rows; i++) {
    const x = X.data.subarray(i * p, (i + 1) * p);
    const fx = model.predict({ rows: 1, cols: p, data: x })[0];
    const rng = rowRng(seed, firstRow + i);
    let c = 0;
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < pairsPerBg; k++) {
        const perm = rng.permutation(G);
        for (let t = 0; t < G; t++) {
          order[c * G + t] = perm[t];
          order[(c + 1) * G + t] = perm[G - 1 - t];
        }
        fillChain(batch, c, order, x, bg.data, b, cols, p, G);
        fillChain(batch, c + 1, order, x, bg.data, b, cols, p, G);
        c += 2;
      }
    }
    const f = inner > 0 ? model.predict({ rows: chains * inner, cols: p, data: batch }) : new Float64Array(0);
    phi.fill(0);
    c = 0;
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < 2 * pairsPerBg; k++, c++) {
        let prev = fBg[b];
        for (let t = 0; t < G; t++) {
          const cur = t === G - 1 ? fx : f[c * inner + t];
          phi[order[c * G + t]] += cur - prev;
          prev = cur;
        }
      }
    }
    for (let g = 0; g < G; g++) values[i * G + g] = phi[g] / chains;
  }
  return { baseValue: base, values, nGroups: G, nSamples: chains };
}

/** The order stream of batch row `row`: a SplitMix-style mix of seed and row number. */
function rowRng(seed: number, row: number): Rng {
  let h = (seed ^ Math.imul(row + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return new Rng((h ^ (h >>> 16)) >>> 0);
}

/** Rows of chain c: start from background row b, switch groups to x in the chain's order. */
function fillChain(
  batch: Float64Array,
  c: number,
  order: Int32Array,
  x: Float64Array,
  bg: Float64Array,
  b: number,
  cols: { start: Int32Array; col: Int32Array },
  p: number,
  G: number,
): void {
  const inner = G - 1;
  let prevOff = -1;
  for (let t = 0; t < inner; t++) {
    const off = (c * inner + t) * p;
    if (prevOff < 0) batch.set(bg.subarray(b * p, (b + 1) * p), off);
    else batch.copyWithin(off, prevOff, prevOff + p);
    const g = order[c * G + t];
    for (let q = cols.start[g]; q < cols.start[g + 1]; q++) batch[off + cols.col[q]] = x[cols.col[q]];
    prevOff = off;
  }
}

/** Columns of each group, CSR-style. */
function groupColumns(group: Int32Array, G: number): { start: Int32Array; col: Int32Array } {
  const start = new Int32Array(G + 1);
  for (let j = 0; j < group.length; j++) {
    const g = group[j];
    if (!(g >= 0 && g < G)) throw new RangeError(`samplingShap: group[${j}] = ${g} is outside 0..${G - 1}`);
    start[g + 1]++;
  }
  for (let g = 0; g < G; g++) start[g + 1] += start[g];
  const fill = start.slice(0, G);
  const col = new Int32Array(group.length);
  for (let j = 0; j < group.length; j++) col[fill[group[j]]++] = j;
  return { start, col };
}
