/**
 * The boosting loop (sklearn's `BaseHistGradientBoosting.fit`): bin once, then per iteration
 * compute gradients, grow one tree on (a subsample of) the rows, shrink its leaves by the
 * learning rate and update the raw predictions from the grower's leaf partition — training rows
 * are never re-predicted through the tree. Early stopping watches the loss on `ctx.val` and keeps
 * the best iteration. Only the baseline and the flat trees leave this function.
 */
import { checkFeatureCount, ModelError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { Rng } from '../../core/random.js';
import { useKernel } from '../../core/wasm.js';
import { checkFitInput, type FitContext } from '../regressor.js';
import { type BinMapper, type BinnedData, binMatrix, fitBinMapper } from '../tree/binning.js';
import { FittedTrees } from '../tree/fitted-trees.js';
import { type GrowerOptions, type GrownTree, TreeGrower } from '../tree/grower.js';
import { LEAF_CAP } from '../tree/histogram-buffers.js';
import {
  bootHelperThread,
  HistogramHelper,
  histogramKernel,
  histogramThreads,
} from '../tree/parallel-histogram.js';
import { addTreePredictions, leafOf, type TreeArrays } from '../tree/predictor.js';
import { WasmResidentRows } from '../tree/wasm-resident-rows.js';
import { type Loss, makeLoss, quantileInPlace } from './losses.js';
import type { GbdtParams } from './params.js';

/** Yield to the event loop at most this often (ms), so an abort signal can fire mid-fit. */
const YIELD_MS = 50;

export async function fitGbdt(
  kind: string,
  params: Readonly<GbdtParams>,
  X: Matrix,
  y: Float64Array,
  ctx: FitContext,
): Promise<FittedTrees> {
  checkFitInput(kind, X, y);
  if (ctx.features.length !== X.cols) {
    throw new RangeError(`${kind}.fit: ${ctx.features.length} feature descriptions for ${X.cols} columns`);
  }
  const n = X.rows;
  const p = X.cols;
  const rng = new Rng(ctx.seed);
  const notes: string[] = [];
  // Large data: the WebAssembly histogram kernel, and a second thread that takes part of each big
  // histogram and row job (same trees either way). The thread boots while this one bins.
  const thread = histogramThreads(n, p, ctx.threads) > 1;
  const booted = thread ? bootHelperThread() : null;
  let helper: HistogramHelper | null = null;
  let mapper: BinMapper;
  let binned: BinnedData;
  try {
    mapper = fitBinMapper(X, ctx.features, { maxBins: params.max_bins, seed: ctx.seed });
    binned = binMatrix(mapper, X);
    helper =
      thread || histogramKernel(n, p)
        ? await HistogramHelper.start(
            binned,
            mapper.offsets,
            3 * mapper.offsets[p],
            // Frontier histograms + the one being built; beyond the cap a node builds in TypeScript
            // on one thread.
            Math.min(params.max_leaves + 4, 64),
            { thread, booted },
          ).catch(() => {
            // No shared memory or no thread: one thread in TypeScript (the same trees).
            void booted?.terminate();
            return null;
          })
        : null;
  } catch (err) {
    void booted?.terminate();
    throw err;
  }
  try {
    return await boost(kind, params, X, y, ctx, mapper, binned, helper, notes, rng);
  } finally {
    helper?.close();
  }
}

async function boost(
  kind: string,
  params: Readonly<GbdtParams>,
  X: Matrix,
  y: Float64Array,
  ctx: FitContext,
  mapper: BinMapper,
  binned: BinnedData,
  helper: HistogramHelper | null,
  notes: string[],
  rng: Rng,
): Promise<FittedTrees> {
  const n = X.rows;
  const p = X.cols;
  const loss = makeLoss(params);
  const grower = new TreeGrower(mapper, helper ? helper.sharedData(binned) : binned, helper);
  const opts = growerOptions(params);
  const baseline = loss.baseline(y);
  // In the helper's shared memory when it has a thread: the two threads update it (row-jobs.ts).
  const raw = (helper?.threaded ? helper.buf.raw : new Float64Array(n)).fill(baseline);
  const g = helper ? helper.buf.grad : new Float64Array(n);
  const h = (helper ? helper.buf.hess : new Float64Array(n)).fill(1);
  const rows = helper ? helper.buf.rows : new Uint32Array(n);
  const nSub = params.subsample < 1 ? Math.max(1, Math.floor(params.subsample * n)) : n;
  const inSample = nSub < n ? new Uint8Array(n) : null;
  const nCols = params.colsample < 1 ? Math.max(1, Math.round(params.colsample * p)) : p;
  const watch = validationWatch(kind, params, ctx, p, loss, baseline);
  // Squared loss on all rows with the helper thread: the threads refresh the gradients and reset
  // the rows where they update the predictions (row-jobs.ts), so the next iteration skips both.
  const yShared = helper?.threaded && loss.residualGradient && !inSample ? helper.buf.y : null;
  yShared?.set(y);
  let fresh = false;

  const trees: TreeArrays[] = [];
  let lastYield = performance.now();
  for (let it = 0; it < params.max_iter; it++) {
    if (ctx.signal?.aborted) {
      notes.push(`stopped at iteration ${it} of ${params.max_iter}: time budget ran out (kept ${it} trees)`);
      break;
    }
    if (!fresh) {
      loss.gradients(y, raw, g, h);
      sampleRows(rows, n, nSub, inSample, rng);
    }
    const feats = nCols < p ? sampleColumns(p, nCols, rng) : undefined;
    const grown = grower.grow(g, loss.constantHessian ? null : h, 1, rows, nSub, opts, feats);
    const tree = grown.tree;
    if (loss.leafQuantile !== null) refitLeaves(grown, y, raw, loss.leafQuantile);
    fresh = addShrunkTree(grown, params.learning_rate, raw, inSample, X, helper, yShared);
    trees.push(tree);
    const stop = watch
      ? watch.add(tree, it)
      : tree.feature[0] < 0 && tree.value[0] === 0 && nSub === n && nCols === p
        ? `stopped at iteration ${it + 1}: no split improves the training loss`
        : null;
    if (stop !== null) {
      notes.push(stop);
      break;
    }
    ctx.onProgress?.((it + 1) / params.max_iter);
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  // Early stopping keeps the trees up to the best validation loss.
  const kept = watch ? trees.slice(0, watch.bestIter) : trees;
  if (watch && watch.bestIter < trees.length && !notes.some((s) => s.startsWith('stopped early'))) {
    notes.push(`kept the best ${watch.bestIter} of ${trees.length} trees by validation loss`);
  }
  if (watch) ctx.onValPredictions?.(watch.bestPredictions(trees.length));
  return new FittedTrees(kind, params, p, baseline, kept, notes);
}

function growerOptions(params: Readonly<GbdtParams>): GrowerOptions {
  return {
    maxLeaves: params.max_leaves,
    maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
    minSamplesLeaf: params.min_samples_leaf,
    minHessian: params.min_hessian,
    minGain: 0,
    l2: params.l2,
  };
}

/**
 * Shrink a grown tree's leaves by the learning rate and add it to the training predictions: from
 * the leaf partition, and through the tree for rows outside the subsample. `helper`: the helper
 * thread that shares `raw` and the rows (all rows in the tree), or null; `y`: the targets in its
 * memory when the squared loss's gradients are to be refreshed (and the rows reset) on the way.
 * Returns whether they were (else the caller computes them and draws the rows).
 */
function addShrunkTree(
  grown: GrownTree,
  learningRate: number,
  raw: Float64Array,
  inSample: Uint8Array | null,
  X: Matrix,
  helper: HistogramHelper | null,
  y: Float64Array | null,
): boolean {
  const value = grown.tree.value;
  for (let i = 0; i < value.length; i++) value[i] *= learningRate;
  const nLeaves = grown.leafNode.length;
  // The tree's rows (its leaves' position ranges cover [0, nRows)).
  const nRows = inSample ? 0 : raw.length;
  const shared = helper && raw === helper.buf.raw && grown.rows === helper.buf.rows;
  if (shared && nLeaves <= LEAF_CAP && helper.splits(nRows)) {
    // Large data: the two threads add the leaves to halves of the rows (one addition per row).
    const b = helper.buf;
    for (let k = 0; k < nLeaves; k++) {
      b.leafSpan[2 * k] = grown.leafStart[k];
      b.leafSpan[2 * k + 1] = grown.leafEnd[k];
      b.leafValue[k] = value[grown.leafNode[k]];
    }
    helper.addLeaves(nLeaves, nRows, y !== null);
    return y !== null;
  }
  for (let k = 0; k < nLeaves; k++) {
    const v = value[grown.leafNode[k]];
    for (let q = grown.leafStart[k]; q < grown.leafEnd[k]; q++) raw[grown.rows[q]] += v;
  }
  if (inSample) {
    const p = X.cols;
    for (let i = 0; i < X.rows; i++) if (!inSample[i]) raw[i] += value[leafOf(grown.tree, X.data, i * p)];
  }
  return false;
}

/**
 * Early stopping on `ctx.val`, or null when it is off (`early_stopping: auto` without validation
 * rows, or `false`); `true` without validation rows is an error.
 */
function validationWatch(
  kind: string,
  params: Readonly<GbdtParams>,
  ctx: FitContext,
  p: number,
  loss: Loss,
  baseline: number,
): ValidationWatch | null {
  const val = ctx.val;
  const useVal =
    params.early_stopping === 'true' || (params.early_stopping === 'auto' && !!val && val.y.length > 0);
  if (params.early_stopping === 'true' && (!val || val.y.length === 0)) {
    throw new ModelError(
      'no_validation',
      `${kind}: early_stopping = "true" needs validation rows, none were given`,
    );
  }
  if (val && useVal) checkFeatureCount(kind, p, val.X.cols, 'fit (validation rows)');
  return val && useVal ? new ValidationWatch(val, loss, baseline, params) : null;
}

/**
 * Validation rows from which their raw predictions are kept in WebAssembly memory (the kernel of
 * batch prediction, one tree per iteration); fewer stay in TypeScript. Same bits either way.
 */
const MIN_KERNEL_VAL_ROWS = 2048;

/** The validation rows' raw predictions, tree by tree, and the iteration with the best loss. */
class ValidationWatch {
  private raw: Float64Array;
  /** The rows and their predictions in the kernel's memory, or null (TypeScript path). */
  private readonly resident: WasmResidentRows | null;
  /** `raw` as it was with the best trees, copied before the tree after them was added. */
  private readonly atBest: Float64Array;
  private bestLoss: number;
  /** Trees up to the best validation loss so far. */
  bestIter = 0;

  constructor(
    private readonly val: { readonly X: Matrix; readonly y: Float64Array },
    private readonly loss: Loss,
    baseline: number,
    private readonly params: Readonly<GbdtParams>,
  ) {
    this.resident = useKernel(val.X.rows, MIN_KERNEL_VAL_ROWS)
      ? WasmResidentRows.create(val.X, baseline)
      : null;
    this.raw = this.resident?.out ?? new Float64Array(val.y.length).fill(baseline);
    this.atBest = new Float64Array(val.y.length);
    this.bestLoss = loss.value(val.y, this.raw);
  }

  /** Add iteration `it`'s tree; returns why to stop, or null to go on. */
  add(tree: TreeArrays, it: number): string | null {
    const { params, loss } = this;
    if (this.bestIter === it) this.atBest.set(this.raw);
    if (this.resident) {
      this.resident.addTree(tree, 1);
      this.raw = this.resident.out;
    } else addTreePredictions(tree, this.val.X, this.raw, 1);
    const l = loss.value(this.val.y, this.raw);
    // Improvement must beat a relative tolerance, or noise keeps the loop alive forever.
    if (l < this.bestLoss - params.validation_tol * Math.abs(this.bestLoss)) {
      this.bestLoss = l;
      this.bestIter = it + 1;
    } else if (it + 1 - this.bestIter >= params.n_iter_no_change) {
      return (
        `stopped early at iteration ${it + 1} of ${params.max_iter}: validation ${loss.name} loss ` +
        `had not improved for ${params.n_iter_no_change} iterations; kept the best ${this.bestIter} trees`
      );
    }
    return null;
  }

  /**
   * The raw predictions of the best trees, after `added` trees were added: the baseline plus each
   * tree in order, the sum `FittedTrees.predict` makes (gbdt's identity link: raw = prediction).
   */
  bestPredictions(added: number): Float64Array {
    // `raw` may be a view into the kernel's memory: the caller gets its own copy.
    return this.bestIter === added ? this.raw.slice() : this.atBest;
  }
}

/** Rows for one tree: all (in order) or a seeded subsample without replacement, sorted for locality. */
function sampleRows(rows: Uint32Array, n: number, m: number, inSample: Uint8Array | null, rng: Rng): void {
  if (!inSample) {
    for (let i = 0; i < n; i++) rows[i] = i;
    return;
  }
  inSample.fill(0);
  // Floyd's algorithm: m distinct indices in O(m).
  for (let j = n - m; j < n; j++) {
    const t = rng.int(j + 1);
    if (inSample[t]) inSample[j] = 1;
    else inSample[t] = 1;
  }
  for (let i = 0, k = 0; i < n; i++) if (inSample[i]) rows[k++] = i;
}

function sampleColumns(p: number, k: number, rng: Rng): Int32Array {
  const perm = rng.permutation(p);
  return Int32Array.from(perm.subarray(0, k)).sort();
}

/** Absolute / quantile losses: each leaf's value becomes the quantile of its rows' residuals. */
function refitLeaves(grown: GrownTree, y: Float64Array, raw: Float64Array, q: number): void {
  for (let k = 0; k < grown.leafNode.length; k++) {
    const s = grown.leafStart[k];
    const e = grown.leafEnd[k];
    const r = new Float64Array(e - s);
    for (let t = s; t < e; t++) r[t - s] = y[grown.rows[t]] - raw[grown.rows[t]];
    grown.tree.value[grown.leafNode[k]] = quantileInPlace(r, q);
  }
}
