/**
 * Compact tree artifacts (tree formatVersion 2). The grower creates a split's two children
 * together (`left = 2k + 1`, `right = 2k + 2` for the k-th split), so a tree is its split order:
 * per split the parent node, feature, threshold, missing direction and gain; per node the value;
 * per leaf the training-row count (inner counts are sums of their children's). Leaves carry no
 * threshold, gain or bitset. Thresholds are bin edges, shared across trees, so each split stores an
 * index into one sorted table per model. Integers are stored in the narrowest dtype and large
 * arrays are deflated. Every value round-trips bit for bit; a tree that breaks one of these
 * invariants is stored in the plain layout instead, still deflated.
 */
import {
  decodeFloats,
  decodeInts,
  decodeU8,
  decodeU32,
  type EncodedArray,
  type EncodedF32,
  type EncodedF64,
  type EncodedU8,
  type EncodedU32,
  type EncodeOptions,
  encodeF64,
  encodeFloats,
  encodeI32,
  encodeInts,
  encodeU8,
  encodeU32,
} from '../../core/codec.js';
import { checkTree, decodeTree, type EncodedTree, type TreeArrays } from './predictor.js';

const Z: EncodeOptions = { deflate: true };

/** One tree in split order (see the file comment); `layout` tells it from a plain EncodedTree. */
export interface CompactTree {
  layout: 'splits';
  nodes: number;
  /** Per split k: `2k − parent` (≥ 0: the parent exists before the split; small for depth-first). */
  parent: EncodedArray;
  feature: EncodedArray;
  /** Per split: index into the model's threshold table (0 for categorical splits). */
  threshold: EncodedArray;
  missingLeft: EncodedU8;
  gain: EncodedF64;
  value: EncodedF64 | EncodedF32;
  /** Per leaf, in node order. */
  leafCount: EncodedArray;
  /** Per split (−1: numeric), only when the tree has categorical splits. */
  catStart?: EncodedArray;
  catBits: EncodedU32;
}

export interface EncodedTrees {
  /** Sorted distinct thresholds of every compact tree's numeric splits. */
  thresholds: EncodedF64;
  trees: Array<CompactTree | EncodedTree>;
}

/** Split order (`order[k]` = parent of nodes 2k+1, 2k+2), or null when the tree is not pair-created. */
function splitOrder(t: TreeArrays): Int32Array | null {
  const n = t.feature.length;
  if (n % 2 !== 1) return null;
  const order = new Int32Array((n - 1) / 2).fill(-1);
  for (let i = 0; i < n; i++) {
    const leaf = t.feature[i] < 0;
    if (leaf) {
      // Leaves: nothing but value and count, so the decoder can restore the rest as zeros.
      if (!Object.is(t.threshold[i], 0) || !Object.is(t.gain[i], 0)) return null;
      if (t.missingLeft[i] !== 0 || t.catStart[i] !== -1 || t.left[i] !== -1 || t.right[i] !== -1)
        return null;
      continue;
    }
    const l = t.left[i];
    const k = (l - 1) / 2;
    if (!(l > i && l % 2 === 1 && k < order.length && order[k] < 0 && t.right[i] === l + 1)) return null;
    if (t.missingLeft[i] > 1 || t.catStart[i] < -1) return null;
    const th = t.threshold[i];
    // Categorical splits keep threshold +0; numeric ones a table value (NaN and −0 would not key a Map).
    if (t.catStart[i] >= 0 ? !Object.is(th, 0) : Number.isNaN(th) || Object.is(th, -0)) return null;
    order[k] = i;
  }
  if (order.includes(-1)) return null;
  // Counts: integer leaves, inner = left + right (exact: integers below 2^53).
  for (let i = 0; i < n; i++) {
    const c = t.count[i];
    if (t.feature[i] < 0) {
      if (!(Number.isInteger(c) && c >= 0 && c <= 0xffffffff) || Object.is(c, -0)) return null;
    } else if (c !== t.count[t.left[i]] + t.count[t.right[i]]) return null;
  }
  return order;
}

function encodeCompact(t: TreeArrays, order: Int32Array, table: Map<number, number>): CompactTree {
  const m = order.length;
  const parent = new Uint32Array(m);
  const feature = new Int32Array(m);
  const threshold = new Uint32Array(m);
  const missingLeft = new Uint8Array(m);
  const gain = new Float64Array(m);
  const catStart = new Int32Array(m);
  let hasCat = false;
  for (let k = 0; k < m; k++) {
    const i = order[k];
    parent[k] = 2 * k - i;
    feature[k] = t.feature[i];
    missingLeft[k] = t.missingLeft[i];
    gain[k] = t.gain[i];
    catStart[k] = t.catStart[i];
    if (catStart[k] >= 0) hasCat = true;
    else threshold[k] = table.get(t.threshold[i]) as number;
  }
  const leafCount: number[] = [];
  for (let i = 0; i < t.feature.length; i++) if (t.feature[i] < 0) leafCount.push(t.count[i]);
  return {
    layout: 'splits',
    nodes: t.feature.length,
    parent: encodeInts(parent, Z),
    feature: encodeInts(feature, Z),
    threshold: encodeInts(threshold, Z),
    missingLeft: encodeU8(missingLeft, Z),
    gain: encodeF64(gain, Z),
    value: encodeFloats(t.value, Z),
    leafCount: encodeInts(leafCount, Z),
    ...(hasCat ? { catStart: encodeInts(catStart, Z) } : {}),
    catBits: encodeU32(t.catBits, Z),
  };
}

/** The plain layout (as formatVersion 1), with large arrays deflated. */
export function encodePlain(t: TreeArrays, o?: EncodeOptions): EncodedTree {
  return {
    feature: encodeI32(t.feature, o),
    threshold: encodeF64(t.threshold, o),
    left: encodeI32(t.left, o),
    right: encodeI32(t.right, o),
    value: encodeF64(t.value, o),
    missingLeft: encodeU8(t.missingLeft, o),
    gain: encodeF64(t.gain, o),
    count: encodeF64(t.count, o),
    catStart: encodeI32(t.catStart, o),
    catBits: encodeU32(t.catBits, o),
  };
}

export function encodeTrees(trees: readonly TreeArrays[]): EncodedTrees {
  const orders = trees.map(splitOrder);
  const values = new Set<number>();
  trees.forEach((t, j) => {
    const order = orders[j];
    if (order) for (const i of order) if (t.catStart[i] < 0) values.add(t.threshold[i]);
  });
  const sorted = Float64Array.from(values).sort();
  const table = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) table.set(sorted[i], i);
  return {
    thresholds: encodeF64(sorted, Z),
    trees: trees.map((t, j) => {
      const order = orders[j];
      return order ? encodeCompact(t, order, table) : encodePlain(t, Z);
    }),
  };
}

function decodeCompact(e: CompactTree, thresholds: Float64Array, what: string): TreeArrays {
  const n = e.nodes;
  if (!Number.isSafeInteger(n) || n < 1 || n % 2 !== 1 || n > 0x7fffffff) {
    throw new RangeError(`${what}.nodes: expected an odd node count ≥ 1, got ${JSON.stringify(n)}`);
  }
  const m = (n - 1) / 2;
  const parent = decodeInts(e.parent, `${what}.parent`);
  const feat = decodeInts(e.feature, `${what}.feature`);
  const thr = decodeInts(e.threshold, `${what}.threshold`);
  const ml = decodeU8(e.missingLeft, `${what}.missingLeft`);
  const g = decodeFloats(e.gain, `${what}.gain`);
  const value = decodeFloats(e.value, `${what}.value`);
  const leafCount = decodeInts(e.leafCount, `${what}.leafCount`);
  const cs = e.catStart === undefined ? null : decodeInts(e.catStart, `${what}.catStart`);
  const catBits = decodeU32(e.catBits, `${what}.catBits`);
  for (const [name, a] of [
    ['parent', parent],
    ['feature', feat],
    ['threshold', thr],
    ['missingLeft', ml],
    ['gain', g],
    ...(cs ? [['catStart', cs] as const] : []),
  ] as const) {
    if (a.length !== m) throw new RangeError(`${what}.${name}: ${a.length} values for ${m} splits`);
  }
  if (value.length !== n) throw new RangeError(`${what}.value: ${value.length} values for ${n} nodes`);
  if (leafCount.length !== m + 1) {
    throw new RangeError(`${what}.leafCount: ${leafCount.length} values for ${m + 1} leaves`);
  }
  const feature = new Int32Array(n).fill(-1);
  const left = new Int32Array(n).fill(-1);
  const right = new Int32Array(n).fill(-1);
  const threshold = new Float64Array(n);
  const missingLeft = new Uint8Array(n);
  const gain = new Float64Array(n);
  const count = new Float64Array(n);
  const catStart = new Int32Array(n).fill(-1);
  for (let k = 0; k < m; k++) {
    const i = 2 * k - parent[k];
    // The parent exists before split k and is split once; its children come after it.
    if (!(i >= 0 && i <= 2 * k && left[i] < 0)) {
      throw new RangeError(`${what}.parent: split ${k} has an invalid parent`);
    }
    if (feat[k] < 0) throw new RangeError(`${what}.feature: split ${k} has feature ${feat[k]}`);
    feature[i] = feat[k];
    left[i] = 2 * k + 1;
    right[i] = 2 * k + 2;
    missingLeft[i] = ml[k];
    gain[i] = g[k];
    if (cs && cs[k] >= 0) catStart[i] = cs[k];
    else {
      if (!(thr[k] < thresholds.length)) {
        throw new RangeError(`${what}.threshold: split ${k} indexes ${thr[k]} of ${thresholds.length}`);
      }
      threshold[i] = thresholds[thr[k]];
    }
  }
  for (let i = 0, q = 0; i < n; i++) if (feature[i] < 0) count[i] = leafCount[q++];
  // Children come after their parent: a backward pass sums leaves into inner nodes.
  for (let i = n - 1; i >= 0; i--) if (feature[i] >= 0) count[i] = count[left[i]] + count[right[i]];
  return { feature, threshold, left, right, value, missingLeft, gain, count, catStart, catBits };
}

/** Decode (and check, as decodeTree does) the trees of a formatVersion-2 state. */
export function decodeTrees(e: EncodedTrees, nFeatures: number, what: string): TreeArrays[] {
  const thresholds = decodeFloats(e.thresholds, `${what}.thresholds`);
  if (!Array.isArray(e.trees)) throw new RangeError(`${what}.trees: expected a list of trees`);
  return e.trees.map((t, i) => {
    const w = `${what}.trees[${i}]`;
    if (!t || typeof t !== 'object')
      throw new RangeError(`${w}: expected a tree object, got ${JSON.stringify(t)}`);
    if ((t as CompactTree)?.layout === 'splits') {
      const tree = decodeCompact(t as CompactTree, thresholds, w);
      checkTree(tree, nFeatures, w);
      return tree;
    }
    return decodeTree(t as EncodedTree, nFeatures, w);
  });
}
