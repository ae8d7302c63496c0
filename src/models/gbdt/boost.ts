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
import { checkFitInput, type FitContext } from '../regressor.js';
import { type BinMapper, type BinnedData, binMatrix, fitBinMapper } from '../tree/binning.js';
import { FittedTrees } from '../tree/fitted-trees.js';
import { type GrowerOptions, TreeGrower } from '../tree/grower.js';
import { HistogramHelper, histogramThreads } from '../tree/parallel-histogram.js';
import { addTreePredictions, leafOf, type TreeArrays } from '../tree/predictor.js';
import { makeLoss, quantileInPlace } from './losses.js';
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
  const mapper = fitBinMapper(X, ctx.features, { maxBins: params.max_bins, seed: ctx.seed });
  const binned = binMatrix(mapper, X);
  // Large data: a second thread builds half of each big histogram (same trees either way).
  const helper =
    histogramThreads(n, p, ctx.threads) > 1
      ? await HistogramHelper.start(
          binned,
          mapper.offsets,
          3 * mapper.offsets[p],
          // Frontier histograms + the one being built; beyond the cap a node builds on one thread.
          Math.min(params.max_leaves + 4, 64),
        ).catch(() => null)
      : null;
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
  const opts: GrowerOptions = {
    maxLeaves: params.max_leaves,
    maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
    minSamplesLeaf: params.min_samples_leaf,
    minHessian: params.min_hessian,
    minGain: 0,
    l2: params.l2,
  };

  const baseline = loss.baseline(y);
  const raw = new Float64Array(n).fill(baseline);
  const g = helper ? helper.buf.grad : new Float64Array(n);
  const h = (helper ? helper.buf.hess : new Float64Array(n)).fill(1);
  const rows = helper ? helper.buf.rows : new Uint32Array(n);
  const nSub = params.subsample < 1 ? Math.max(1, Math.floor(params.subsample * n)) : n;
  const inSample = nSub < n ? new Uint8Array(n) : null;
  const nCols = params.colsample < 1 ? Math.max(1, Math.round(params.colsample * p)) : p;

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
  const valRaw = val && useVal ? new Float64Array(val.y.length).fill(baseline) : null;
  let bestLoss = valRaw && val ? loss.value(val.y, valRaw) : Number.POSITIVE_INFINITY;
  let bestIter = 0;

  const trees: TreeArrays[] = [];
  let lastYield = performance.now();
  for (let it = 0; it < params.max_iter; it++) {
    if (ctx.signal?.aborted) {
      notes.push(`stopped at iteration ${it} of ${params.max_iter}: time budget ran out (kept ${it} trees)`);
      break;
    }
    loss.gradients(y, raw, g, h);
    sampleRows(rows, n, nSub, inSample, rng);
    const feats = nCols < p ? sampleColumns(p, nCols, rng) : undefined;
    const grown = grower.grow(g, loss.constantHessian ? null : h, 1, rows, nSub, opts, feats);
    const tree = grown.tree;
    if (loss.leafQuantile !== null) refitLeaves(grown, y, raw, loss.leafQuantile);
    const value = tree.value;
    for (let i = 0; i < value.length; i++) value[i] *= params.learning_rate;
    // Training predictions from the leaf partition; rows outside the subsample go through the tree.
    for (let k = 0; k < grown.leafNode.length; k++) {
      const v = value[grown.leafNode[k]];
      for (let q = grown.leafStart[k]; q < grown.leafEnd[k]; q++) raw[grown.rows[q]] += v;
    }
    if (inSample) {
      for (let i = 0; i < n; i++) if (!inSample[i]) raw[i] += value[leafOf(tree, X.data, i * p)];
    }
    trees.push(tree);

    if (valRaw && val) {
      addTreePredictions(tree, val.X, valRaw, 1);
      const l = loss.value(val.y, valRaw);
      // Improvement must beat a relative tolerance, or noise keeps the loop alive forever.
      if (l < bestLoss - params.validation_tol * Math.abs(bestLoss)) {
        bestLoss = l;
        bestIter = it + 1;
      } else if (it + 1 - bestIter >= params.n_iter_no_change) {
        notes.push(
          `stopped early at iteration ${it + 1} of ${params.max_iter}: validation ${loss.name} loss ` +
            `had not improved for ${params.n_iter_no_change} iterations; kept the best ${bestIter} trees`,
        );
        break;
      }
    } else if (tree.feature[0] < 0 && tree.value[0] === 0 && nSub === n && nCols === p) {
      notes.push(`stopped at iteration ${it + 1}: no split improves the training loss`);
      break;
    }
    ctx.onProgress?.((it + 1) / params.max_iter);
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  // Early stopping keeps the trees up to the best validation loss.
  const kept = valRaw ? trees.slice(0, bestIter) : trees;
  if (valRaw && bestIter < trees.length && !notes.some((s) => s.startsWith('stopped early'))) {
    notes.push(`kept the best ${bestIter} of ${trees.length} trees by validation loss`);
  }
  return new FittedTrees(kind, params, p, baseline, kept, notes);
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
function refitLeaves(
  grown: {
    tree: TreeArrays;
    rows: Uint32Array;
    leafNode: Int32Array;
    leafStart: Int32Array;
    leafEnd: Int32Array;
  },
  y: Float64Array,
  raw: Float64Array,
  q: number,
): void {
  for (let k = 0; k < grown.leafNode.length; k++) {
    const s = grown.leafStart[k];
    const e = grown.leafEnd[k];
    const r = new Float64Array(e - s);
    for (let t = s; t < e; t++) r[t - s] = y[grown.rows[t]] - raw[grown.rows[t]];
    grown.tree.value[grown.leafNode[k]] = quantileInPlace(r, q);
  }
}
