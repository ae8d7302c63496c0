/**
 * Exact path-dependent TreeSHAP for one flat-array tree, in O(nodes × d) per row where d is the
 * largest number of distinct features on a root-to-leaf path: the "Linear TreeShap" formulation
 * (Yu, Bi et al., NeurIPS 2022) instead of the O(leaves × d²) path bookkeeping of Lundberg et al.'s
 * Algorithm 2. Same values: "feature absent" means, at a split on it, take both children weighted
 * by the training rows that reached them (`count`), so φ are the exact Shapley values of
 * v(S) = E[tree(x) | x_S] under the tree's cover distribution, and Σφ + E[tree] = tree(x).
 *
 * Why it is exact. Along the path to a leaf l, the splits on feature j multiply the leaf's weight by
 * P_j (1 when x follows all of them, else 0) if j is present and by R_j (the product of their cover
 * fractions) if absent, so leaf l plays a product game over its path's features. Its Shapley value
 * for feature i is v_l (P_i − R_i) Σ_S |S|!(d−|S|−1)!/d! Π_{j∈S} P_j Π_{j∉S} R_j, which equals
 * v_l (P_i − R_i) ∫₀¹ Π_{j≠i} (R_j (1 − t) + P_j t) dt: a polynomial of degree < d, integrated
 * exactly by ⌈d/2⌉-point Gauss–Legendre. One depth-first pass keeps, at each quadrature point, the
 * product of the path's factors; subtree sums of v_l × (that product at l) come back up, and each
 * split on i takes, divided by its factor, the part from leaves where it is the deepest split on i.
 */
import type { TreeArrays } from '../models/tree/predictor.js';
import { gaussLegendre01, type Quadrature } from './gauss-legendre.js';

/** Per-tree data derived once: left-child fraction of each node's cover, depth, expected value. */
export interface PreparedTree {
  readonly tree: TreeArrays;
  /** count[left] / (count[left] + count[right]); 0.5 when neither child saw a training row. */
  readonly leftFraction: Float64Array;
  readonly depth: number;
  /** 1 + the largest feature index split on. */
  readonly width: number;
  /** Points that integrate this tree's path polynomials exactly. */
  readonly quadrature: Quadrature;
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
  let width = 0;
  for (let i = 0; i < n; i++) if (t.feature[i] + 1 > width) width = t.feature[i] + 1;
  const points = Math.max(1, Math.ceil(maxDistinctOnPath(t, width) / 2));
  const quadrature = gaussLegendre01(points);
  const p: PreparedTree = { tree: t, leftFraction, depth, width, quadrature, expected: ev[0] };
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

/** The largest number of distinct features split on along one root-to-leaf path. */
function maxDistinctOnPath(t: TreeArrays, width: number): number {
  const seen = new Int32Array(width);
  let best = 0;
  const walk = (node: number, distinct: number): void => {
    const f = t.feature[node];
    if (f < 0) {
      if (distinct > best) best = distinct;
      return;
    }
    const fresh = seen[f] === 0 ? 1 : 0;
    seen[f]++;
    walk(t.left[node], distinct + fresh);
    walk(t.right[node], distinct + fresh);
    seen[f]--;
  };
  walk(0, 0);
  return best;
}

/**
 * Reusable TreeSHAP state (buffers grow to the largest tree seen). `add(...)` accumulates one
 * tree's attributions for one row into `phi` (scaled), so a forest or boosted model sums its trees.
 */
export class TreeShap {
  /** Per depth level × quadrature point: product of the path's factors down to that level. */
  private path = new Float64Array(0);
  /** Per level × point: Σ over the subtree's leaves of value × path product (the recursion's return). */
  private sums = new Float64Array(0);
  /** Per level × point: the feature's accumulator (`deeper`) as the incoming split found it. */
  private saved = new Float64Array(0);
  /** Per feature × point: subtree sums of the nearest deeper splits on it (see `edge`). Zero between calls. */
  private deeper = new Float64Array(0);
  /** Per feature: the combined (P, R) of its splits on the current path; 1 when none. */
  private present = new Float64Array(0);
  private absent = new Float64Array(0);
  // Per-call inputs, held in fields so the recursion passes only what changes.
  private t!: TreeArrays;
  private frac!: Float64Array;
  private nodes!: Float64Array;
  private weights!: Float64Array;
  private m = 1;
  private x!: Float64Array;
  private xOff = 0;
  private phi!: Float64Array;
  private phiOff = 0;
  private scale = 1;

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
    const m = p.quadrature.nodes.length;
    this.reserve(p.depth, p.width, m);
    this.t = t;
    this.frac = p.leftFraction;
    this.nodes = p.quadrature.nodes;
    this.weights = p.quadrature.weights;
    this.m = m;
    this.x = x;
    this.xOff = xOff;
    this.phi = phi;
    this.phiOff = phiOff;
    this.scale = scale;
    this.path.fill(1, 0, m);
    this.visit(0, 0);
    this.deeper.fill(0, 0, p.width * m);
  }

  private reserve(depth: number, width: number, m: number): void {
    const levels = (depth + 2) * m;
    if (this.path.length < levels) {
      this.path = new Float64Array(levels);
      this.sums = new Float64Array(levels);
      this.saved = new Float64Array(levels);
    }
    if (this.deeper.length < width * m) this.deeper = new Float64Array(width * m);
    if (this.present.length < width) {
      this.present = new Float64Array(width).fill(1);
      this.absent = new Float64Array(width).fill(1);
    }
  }

  /**
   * Leaves' value × path product, summed over the subtree of split node `node` (at `level`), into
   * sums[level]. Leaves are handled by `edge` without a call.
   */
  private visit(node: number, level: number): void {
    const { t, m, sums } = this;
    const off = level * m;
    const split = t.feature[node];
    for (let k = 0; k < m; k++) sums[off + k] = 0;
    const left = goesLeft(t, node, this.x[this.xOff + split]);
    const leftR = this.frac[node];
    const p0 = this.present[split];
    const r0 = this.absent[split];
    // x takes one child (P stays), not the other (P becomes 0); absent, both by cover fraction.
    this.edge(left ? t.left[node] : t.right[node], level, split, p0, r0, p0, r0 * (left ? leftR : 1 - leftR));
    this.edge(left ? t.right[node] : t.left[node], level, split, p0, r0, 0, r0 * (left ? 1 - leftR : leftR));
  }

  /**
   * Descend from a split on `f` at `level` into `child`: the feature's combined factor changes
   * from R0 (1 − t) + P0 t to R1 (1 − t) + P1 t. Afterwards, the leaves below for which this is
   * the deepest split on f give φ_f += (P1 − R1) ∫ (their Σ value × product) / factor.
   */
  private edge(
    child: number,
    level: number,
    f: number,
    p0: number,
    r0: number,
    p1: number,
    r1: number,
  ): void {
    // Both 0: every leaf below has weight 0 whatever the coalition (a child no training row
    // reached, on x's other side) — nothing to add anywhere.
    if (p1 === 0 && r1 === 0) return;
    const { m, nodes, path, saved, deeper, sums } = this;
    const off = level * m;
    const next = off + m;
    const acc = f * m;
    const d1 = p1 - r1;
    const t = this.t;
    if (t.feature[child] < 0) {
      // A leaf (half of all edges): no recursion. Its product divided by its own factor for f is
      // path / f0, and no split on f lies below it, so all of it is this split's.
      const v = t.value[child] * this.scale;
      const weights = this.weights;
      const d0 = p0 - r0;
      let integral = 0;
      for (let k = 0; k < m; k++) {
        const g = path[off + k] / (r0 + d0 * nodes[k]);
        const below = v * g * (r1 + d1 * nodes[k]);
        integral += weights[k] * g;
        deeper[acc + k] += below;
        sums[off + k] += below;
      }
      this.phi[this.phiOff + f] += d1 * v * integral;
      return;
    }
    if (p0 === 1 && r0 === 1) {
      // First split on f along this path: its old factor is 1.
      for (let k = 0; k < m; k++) {
        path[next + k] = path[off + k] * (r1 + d1 * nodes[k]);
        saved[next + k] = deeper[acc + k];
        deeper[acc + k] = 0;
      }
    } else {
      // f0 > 0 at every node t ∈ (0, 1): P0 = R0 = 0 was never descended into.
      const d0 = p0 - r0;
      for (let k = 0; k < m; k++) {
        path[next + k] = (path[off + k] * (r1 + d1 * nodes[k])) / (r0 + d0 * nodes[k]);
        saved[next + k] = deeper[acc + k];
        deeper[acc + k] = 0;
      }
    }
    const present = this.present;
    const absent = this.absent;
    present[f] = p1;
    absent[f] = r1;
    this.visit(child, level + 1);
    present[f] = p0;
    absent[f] = r0;
    const weights = this.weights;
    let integral = 0;
    for (let k = 0; k < m; k++) {
      const below = sums[next + k];
      integral += (weights[k] * (below - deeper[acc + k])) / (r1 + d1 * nodes[k]);
      deeper[acc + k] = saved[next + k] + below;
      sums[off + k] += below;
    }
    this.phi[this.phiOff + f] += d1 * integral;
  }
}
