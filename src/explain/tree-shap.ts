/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion, Chen et al. 2018/2020, Algorithm 2) for one
 * flat-array tree, in O(leaves × depth²) per row. "Feature absent" means: at a split on it, take
 * both children weighted by the training rows that reached them (`count`), so the values are the
 * exact Shapley values of the game v(S) = E[tree(x) | x_S] under the tree's own cover
 * distribution, and Σφ + E[tree] = tree(x) for every row.
 *
 * The unique-feature path lives in four flat arrays; each recursion level copies its parent's path
 * to a fresh slice (as in shap's tree_shap.h), so no allocation happens per row.
 */
import type { TreeArrays } from '../models/tree/predictor.js';

/** Per-tree data derived once: left-child fraction of each node's cover, depth, expected value. */
export interface PreparedTree {
  readonly tree: TreeArrays;
  /** count[left] / (count[left] + count[right]); 0.5 when neither child saw a training row. */
  readonly leftFraction: Float64Array;
  readonly depth: number;
  /** E[tree(x)] under the cover distribution: the base value of this tree. */
  readonly expected: number;
}

const prepared = new WeakMap<TreeArrays, PreparedTree>();

export function prepareTree(t: TreeArrays): PreparedTree {
  const hit = prepared.get(t);
  if (hit) return hit;
  const n = t.feature.length;
  const leftFraction = new Float64Array(n);
  const depthOf = new Int32Array(n);
  let depth = 0;
  for (let i = 0; i < n; i++) {
    if (t.feature[i] < 0) continue;
    const cl = t.count[t.left[i]];
    const cr = t.count[t.right[i]];
    leftFraction[i] = cl + cr > 0 ? cl / (cl + cr) : 0.5;
    // Children always follow their parent (checked at load), so one forward pass sets depths.
    depthOf[t.left[i]] = depthOf[i] + 1;
    depthOf[t.right[i]] = depthOf[i] + 1;
    if (depthOf[i] + 1 > depth) depth = depthOf[i] + 1;
  }
  // Expected value bottom-up: children have larger indices than their parent.
  const ev = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    if (t.feature[i] < 0) ev[i] = t.value[i];
    else ev[i] = leftFraction[i] * ev[t.left[i]] + (1 - leftFraction[i]) * ev[t.right[i]];
  }
  const p: PreparedTree = { tree: t, leftFraction, depth, expected: ev[0] };
  prepared.set(t, p);
  return p;
}

/** The routing rule of `leafOf` for one node: does value x go to the left child? */
export function goesLeft(t: TreeArrays, node: number, x: number): boolean {
  if (Number.isNaN(x)) return t.missingLeft[node] === 1;
  const cs = t.catStart[node];
  if (cs < 0) return x <= t.threshold[node];
  const nWords = t.catBits[cs];
  const c = x | 0;
  return c === x && c >= 0 && c < nWords * 32 && ((t.catBits[cs + 1 + (c >>> 5)] >>> (c & 31)) & 1) === 1;
}

/**
 * Reusable TreeSHAP state for trees up to a given depth. `add(...)` accumulates one tree's
 * attributions for one row into `phi` (scaled), so a forest or boosted model sums its trees.
 */
export class TreeShap {
  private pf: Int32Array;
  private pz: Float64Array;
  private po: Float64Array;
  private pw: Float64Array;
  /** inv[k] = 1 / k, for k up to the path length. */
  private inv: Float64Array;
  // Per-call inputs, held in fields so the recursion passes only what changes.
  private t!: TreeArrays;
  private frac!: Float64Array;
  private x!: Float64Array;
  private xOff = 0;
  private phi!: Float64Array;
  private phiOff = 0;
  private scale = 1;

  constructor(maxDepth = 32) {
    const size = pathSize(maxDepth);
    this.pf = new Int32Array(size);
    this.pz = new Float64Array(size);
    this.po = new Float64Array(size);
    this.pw = new Float64Array(size);
    this.inv = reciprocals(maxDepth);
  }

  /** φ[phiOff + j] += scale × φ_j(tree, row) for the row starting at x[xOff]. */
  add(
    p: PreparedTree,
    x: Float64Array,
    xOff: number,
    phi: Float64Array,
    phiOff: number,
    scale: number,
  ): void {
    const t = p.tree;
    if (t.feature[0] < 0) return; // a single leaf is a constant: nothing to attribute
    if (pathSize(p.depth) > this.pf.length) this.grow(p.depth);
    this.t = t;
    this.frac = p.leftFraction;
    this.x = x;
    this.xOff = xOff;
    this.phi = phi;
    this.phiOff = phiOff;
    this.scale = scale;
    this.recurse(0, 0, 0, 1, 1, -1);
  }

  /**
   * φ += (o_i − z_i) · v · (path weight with element i unwound) for every element of the path:
   * shap's unwound_path_sum, specialised to one fractions in {0, 1} (always so here: an element
   * is either on x's side or not). Every element with o = 0 shares Σ_k w_k (d+1)/(d−k), so that
   * sum is computed once per leaf.
   */
  private leaf(v: number, off: number, d: number): void {
    const { pf, pz, po, pw, phi } = this;
    const base = this.phiOff;
    const inv = this.inv;
    const dp1 = d + 1;
    const invDp1 = inv[dp1];
    let coldSum = 0;
    let haveCold = false;
    for (let i = 1; i <= d; i++) {
      if (po[off + i] !== 0) {
        const z = pz[off + i];
        const zs = z * invDp1;
        let next = pw[off + d];
        let w = 0;
        for (let k = d - 1; k >= 0; k--) {
          const tmp = next * dp1 * inv[k + 1];
          w += tmp;
          next = pw[off + k] - tmp * zs * (d - k);
        }
        phi[base + pf[off + i]] += w * (1 - z) * v;
      } else {
        // Unwound weight coldSum / z times (0 − z): the same −coldSum for every cold element.
        if (!haveCold) {
          for (let k = d - 1; k >= 0; k--) coldSum += pw[off + k] * dp1 * inv[d - k];
          haveCold = true;
        }
        phi[base + pf[off + i]] -= coldSum * v;
      }
    }
  }

  private grow(depth: number): void {
    const size = pathSize(depth);
    this.pf = new Int32Array(size);
    this.pz = new Float64Array(size);
    this.po = new Float64Array(size);
    this.pw = new Float64Array(size);
    this.inv = reciprocals(depth);
  }

  /**
   * `parent` is the start of the parent's path slice, `d` the unique depth of this node's path
   * (after the element for the incoming split is added).
   */
  private recurse(node: number, parent: number, d: number, zf: number, of: number, fi: number): void {
    const { pf, pz, po, pw, t } = this;
    const off = parent + d;
    // Copy the parent's d elements (0..d-1) into this node's slice and extend the path by the
    // incoming split in the same pass (shap's extend_path, reading the weights from the parent).
    pf[off + d] = fi;
    pz[off + d] = zf;
    po[off + d] = of;
    pw[off + d] = d === 0 ? 1 : 0;
    const invD = this.inv[d + 1];
    const zs = zf * invD;
    const os = of * invD;
    for (let i = d - 1; i >= 0; i--) {
      pf[off + i] = pf[parent + i];
      pz[off + i] = pz[parent + i];
      po[off + i] = po[parent + i];
      const w = pw[parent + i];
      pw[off + i + 1] += os * w * (i + 1);
      pw[off + i] = zs * w * (d - i);
    }

    const split = t.feature[node];
    if (split < 0) {
      this.leaf(t.value[node] * this.scale, off, d);
      return;
    }

    const left = goesLeft(t, node, this.x[this.xOff + split]);
    const hot = left ? t.left[node] : t.right[node];
    const cold = left ? t.right[node] : t.left[node];
    const fl = this.frac[node];
    const hotZero = left ? fl : 1 - fl;
    const coldZero = 1 - hotZero;

    // A feature met again on the path: undo its earlier element and carry its fractions on.
    let inZero = 1;
    let inOne = 1;
    let depth = d;
    let k = 1;
    while (k <= depth && pf[off + k] !== split) k++;
    if (k <= depth) {
      inZero = pz[off + k];
      inOne = po[off + k];
      unwindPath(pf, pz, po, pw, off, depth, k);
      depth--;
    }
    // A child whose element would be (z = 0, o = 0) carries zero weight on every leaf below it
    // (and could not be unwound): a cold child no training row reached, or such a hot child on a
    // feature x already left. Skipping it keeps every unwound z positive.
    if (inOne !== 0 || hotZero * inZero > 0)
      this.recurse(hot, off, depth + 1, hotZero * inZero, inOne, split);
    if (coldZero * inZero > 0) this.recurse(cold, off, depth + 1, coldZero * inZero, 0, split);
  }
}

function reciprocals(depth: number): Float64Array {
  const inv = new Float64Array(depth + 4);
  for (let k = 1; k < inv.length; k++) inv[k] = 1 / k;
  return inv;
}

/** Path storage for a tree of the given depth: slices of 1, 2, ..., depth + 2 elements. */
function pathSize(depth: number): number {
  return ((depth + 3) * (depth + 4)) >> 1;
}

function unwindPath(
  pf: Int32Array,
  pz: Float64Array,
  po: Float64Array,
  pw: Float64Array,
  off: number,
  d: number,
  k: number,
): void {
  const of = po[off + k];
  const zf = pz[off + k];
  let next = pw[off + d];
  for (let i = d - 1; i >= 0; i--) {
    if (of !== 0) {
      const tmp = pw[off + i];
      pw[off + i] = (next * (d + 1)) / ((i + 1) * of);
      next = tmp - (pw[off + i] * zf * (d - i)) / (d + 1);
    } else {
      pw[off + i] = (pw[off + i] * (d + 1)) / (zf * (d - i));
    }
  }
  for (let i = k; i < d; i++) {
    pf[off + i] = pf[off + i + 1];
    pz[off + i] = pz[off + i + 1];
    po[off + i] = po[off + i + 1];
  }
}
