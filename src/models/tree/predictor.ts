/**
 * A fitted tree as flat typed arrays (sklearn's `TreePredictor`): node i is a leaf when
 * `feature[i] < 0`. Thresholds are on raw values, so predicting needs no binning:
 * numeric `x ≤ threshold` goes left; a categorical code goes left when its bit is set in the node's
 * bitset; NaN follows `missingLeft`. Training-only structures (histograms, row partitions) never
 * end up here.
 */
import {
  decodeF64,
  decodeI32,
  decodeU8,
  decodeU32,
  type EncodedF64,
  type EncodedI32,
  type EncodedU8,
  type EncodedU32,
  encodeF64,
  encodeI32,
  encodeU8,
  encodeU32,
} from '../../core/codec.js';
import type { Matrix } from '../../core/matrix.js';

export interface TreeArrays {
  /** Split feature, or -1 for a leaf. */
  readonly feature: Int32Array;
  /** Numeric split: x ≤ threshold goes left (Infinity: every non-missing value goes left). */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Node value (for leaves: the prediction; for inner nodes: what the node would predict). */
  readonly value: Float64Array;
  /** 1 when missing values go left. */
  readonly missingLeft: Uint8Array;
  /** Gain of the split at the node (0 for leaves): feature importances. */
  readonly gain: Float64Array;
  /** Training rows reaching the node (TreeSHAP, diagnostics). */
  readonly count: Float64Array;
  /** Categorical split: start in catBits of `[nWords, ...bits]`; -1 for numeric splits and leaves. */
  readonly catStart: Int32Array;
  readonly catBits: Uint32Array;
}

export interface EncodedTree {
  feature: EncodedI32;
  threshold: EncodedF64;
  left: EncodedI32;
  right: EncodedI32;
  value: EncodedF64;
  missingLeft: EncodedU8;
  gain: EncodedF64;
  count: EncodedF64;
  catStart: EncodedI32;
  catBits: EncodedU32;
}

export function nodeCount(t: TreeArrays): number {
  return t.feature.length;
}

export function leafCount(t: TreeArrays): number {
  let k = 0;
  for (let i = 0; i < t.feature.length; i++) if (t.feature[i] < 0) k++;
  return k;
}

export function treeDepth(t: TreeArrays): number {
  const depth = new Int32Array(t.feature.length);
  let max = 0;
  for (let i = 0; i < t.feature.length; i++) {
    if (t.feature[i] < 0) continue;
    // Children are always created after their parent, so one forward pass suffices.
    depth[t.left[i]] = depth[i] + 1;
    depth[t.right[i]] = depth[i] + 1;
    if (depth[i] + 1 > max) max = depth[i] + 1;
  }
  return max;
}

/** Leaf index reached by row `r` of a row-major matrix (`data[r * p + j]`). */
export function leafOf(t: TreeArrays, data: Float64Array, base: number): number {
  const feature = t.feature;
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    const x = data[base + f];
    let goLeft: boolean;
    if (Number.isNaN(x)) goLeft = t.missingLeft[node] === 1;
    else {
      const cs = t.catStart[node];
      if (cs < 0) goLeft = x <= t.threshold[node];
      else {
        const nWords = t.catBits[cs];
        const c = x | 0;
        goLeft =
          c === x && c >= 0 && c < nWords * 32 && ((t.catBits[cs + 1 + (c >>> 5)] >>> (c & 31)) & 1) === 1;
      }
    }
    node = goLeft ? t.left[node] : t.right[node];
    f = feature[node];
  }
  return node;
}

/** `out[i] += scale * tree(X[i])` for every row: one tree over all rows keeps its arrays in cache. */
export function addTreePredictions(t: TreeArrays, X: Matrix, out: Float64Array, scale = 1): void {
  addTreeRows(t, X, out, scale, 0, X.rows);
}

/**
 * Rows per block of {@link addTreesPredictions}: 512 rows of 20 doubles are 80 KB, which stay in
 * cache while every tree walks them (one tree over a million rows streams the whole matrix from
 * memory once per tree).
 */
export const PREDICT_BLOCK_ROWS = 512;

/**
 * Blocks pay when the matrix does not stay in cache (more than 8 MB: 200,000 rows × 20 columns
 * are 32 MB) and the trees do: at most 2^17 nodes in all (~30 bytes a node on a path; 210 boosted
 * trees of 31 leaves are 13,000 nodes). A fully grown forest (millions of nodes) would stream
 * every tree once per block instead, 3–4× slower than walking each tree over all the rows; a
 * matrix that fits in cache gains nothing (26,000 × 9: 15 % slower in blocks).
 */
export function predictBlockRows(trees: readonly TreeArrays[], X: Matrix): number {
  let nodes = 0;
  for (const t of trees) nodes += t.feature.length;
  const large = X.rows * X.cols * 8 > 1 << 23;
  return large && nodes <= 1 << 17 ? PREDICT_BLOCK_ROWS : Math.max(1, X.rows);
}

/**
 * `out[i] += scale * Σ_t tree_t(X[i])`, the trees added in order for each row — the same sums,
 * to the bit, as `addTreePredictions` tree after tree — in blocks of `blockRows` rows (default
 * {@link predictBlockRows}: blocks only where they pay), each walked by every tree in turn.
 */
export function addTreesPredictions(
  trees: readonly TreeArrays[],
  X: Matrix,
  out: Float64Array,
  scale = 1,
  blockRows = predictBlockRows(trees, X),
): void {
  const block = Math.max(1, blockRows);
  for (let start = 0; start < X.rows; start += block) {
    const end = Math.min(X.rows, start + block);
    for (const t of trees) addTreeRows(t, X, out, scale, start, end);
  }
}

/** `out[i] += scale * tree(X[i])` for rows start ≤ i < end. */
function addTreeRows(t: TreeArrays, X: Matrix, out: Float64Array, scale: number, start: number, end: number) {
  const { cols, data } = X;
  const value = t.value;
  if (t.feature[0] < 0) {
    const v = scale * value[0];
    for (let i = start; i < end; i++) out[i] += v;
    return;
  }
  if (t.catBits.length === 0) {
    const { feature, threshold, left, right, missingLeft } = t;
    for (let i = start, base = start * cols; i < end; i++, base += cols) {
      out[i] += scale * value[numericLeafOf(feature, threshold, left, right, missingLeft, data, base)];
    }
    return;
  }
  for (let i = start, base = start * cols; i < end; i++, base += cols) {
    out[i] += scale * value[leafOf(t, data, base)];
  }
}

/** `leafOf` for a tree without categorical splits: the same routing, fewer loads per node. */
function numericLeafOf(
  feature: Int32Array,
  threshold: Float64Array,
  left: Int32Array,
  right: Int32Array,
  missingLeft: Uint8Array,
  data: Float64Array,
  base: number,
): number {
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    const x = data[base + f];
    // NaN fails x ≤ threshold and goes where missingLeft says.
    node = x <= threshold[node] || (missingLeft[node] === 1 && Number.isNaN(x)) ? left[node] : right[node];
    f = feature[node];
  }
  return node;
}

/** Predictions of one tree. */
export function predictTree(t: TreeArrays, X: Matrix): Float64Array {
  const out = new Float64Array(X.rows);
  addTreePredictions(t, X, out, 1);
  return out;
}

/** Add each split's gain to its feature (unnormalised). */
export function accumulateGain(t: TreeArrays, acc: Float64Array): void {
  for (let i = 0; i < t.feature.length; i++) {
    const f = t.feature[i];
    if (f >= 0 && t.gain[i] > 0) acc[f] += t.gain[i];
  }
}

/** Normalise non-negative scores to sum 1 (all zeros stay zeros). */
export function normalize(acc: Float64Array): Float64Array {
  let s = 0;
  for (let j = 0; j < acc.length; j++) s += acc[j];
  const out = new Float64Array(acc.length);
  if (s > 0 && Number.isFinite(s)) for (let j = 0; j < acc.length; j++) out[j] = acc[j] / s;
  return out;
}

export function encodeTree(t: TreeArrays): EncodedTree {
  return {
    feature: encodeI32(t.feature),
    threshold: encodeF64(t.threshold),
    left: encodeI32(t.left),
    right: encodeI32(t.right),
    value: encodeF64(t.value),
    missingLeft: encodeU8(t.missingLeft),
    gain: encodeF64(t.gain),
    count: encodeF64(t.count),
    catStart: encodeI32(t.catStart),
    catBits: encodeU32(t.catBits),
  };
}

/** Decode a plain-layout tree (formatVersion 1, or a v2 tree outside the compact layout) and check it. */
export function decodeTree(e: EncodedTree, nFeatures: number, what = 'tree'): TreeArrays {
  const t: TreeArrays = {
    feature: decodeI32(e.feature, `${what}.feature`),
    threshold: decodeF64(e.threshold, `${what}.threshold`),
    left: decodeI32(e.left, `${what}.left`),
    right: decodeI32(e.right, `${what}.right`),
    value: decodeF64(e.value, `${what}.value`),
    missingLeft: decodeU8(e.missingLeft, `${what}.missingLeft`),
    gain: decodeF64(e.gain, `${what}.gain`),
    count: decodeF64(e.count, `${what}.count`),
    catStart: decodeI32(e.catStart, `${what}.catStart`),
    catBits: decodeU32(e.catBits, `${what}.catBits`),
  };
  checkTree(t, nFeatures, what);
  return t;
}

/** Check a decoded tree's structure (children in range, leaves marked) so predict cannot loop. */
export function checkTree(t: TreeArrays, nFeatures: number, what = 'tree'): void {
  const n = t.feature.length;
  const arrays = [t.threshold, t.left, t.right, t.value, t.missingLeft, t.gain, t.count, t.catStart];
  if (n === 0 || arrays.some((a) => a.length !== n)) {
    throw new RangeError(`${what}: node arrays must be non-empty and of equal length (${n} nodes)`);
  }
  for (let i = 0; i < n; i++) {
    if (t.feature[i] < 0) continue;
    if (t.feature[i] >= nFeatures)
      throw new RangeError(`${what}: node ${i} splits on feature ${t.feature[i]} ≥ ${nFeatures}`);
    // Children come after their parent: traversal always moves forward and terminates.
    if (!(t.left[i] > i && t.left[i] < n && t.right[i] > i && t.right[i] < n)) {
      throw new RangeError(`${what}: node ${i} has children out of range`);
    }
    const cs = t.catStart[i];
    if (cs >= 0 && (cs >= t.catBits.length || cs + 1 + t.catBits[cs] > t.catBits.length)) {
      throw new RangeError(`${what}: node ${i} has a categorical bitset out of range`);
    }
  }
}
