/**
 * KD-tree for exact k-NN in low dimension (Bentley 1975; bounding boxes as in scikit-learn's
 * KDTree): split on the widest dimension at the median, stop at `leafSize` rows. Training rows are
 * copied in tree order so leaves are contiguous. A node is skipped only when its box is strictly
 * farther than the worst kept neighbour, so ties still reach the heap and are broken by index.
 */
import { rdist } from './distance.js';
import type { NeighborHeap } from './heap.js';

export class KdTree {
  /** Training index of the row at each tree position. */
  readonly perm: Int32Array;
  /** Rows in tree order. */
  readonly Xs: Float64Array;
  /** Per node: its rows' range [start, end) in tree order, children (−1 for a leaf), box. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;

  constructor(
    X: Float64Array,
    readonly n: number,
    readonly p: number,
    leafSize: number,
  ) {
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const start: number[] = [];
    const end: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const boxes: Float64Array[] = [];
    const build = (s: number, e: number): number => {
      const id = start.length;
      start.push(s);
      end.push(e);
      left.push(-1);
      right.push(-1);
      const box = new Float64Array(2 * p);
      box.fill(Number.POSITIVE_INFINITY, 0, p);
      box.fill(Number.NEGATIVE_INFINITY, p);
      for (let t = s; t < e; t++) {
        const o = perm[t] * p;
        for (let f = 0; f < p; f++) {
          const v = X[o + f];
          if (v < box[f]) box[f] = v;
          if (v > box[p + f]) box[p + f] = v;
        }
      }
      boxes.push(box);
      if (e - s <= leafSize) return id;
      let dim = 0;
      let spread = -1;
      for (let f = 0; f < p; f++) {
        if (box[p + f] - box[f] > spread) {
          spread = box[p + f] - box[f];
          dim = f;
        }
      }
      if (spread <= 0) return id; // identical rows: a leaf
      const mid = (s + e) >> 1;
      nthElement(perm, s, e, mid, X, p, dim);
      left[id] = build(s, mid);
      right[id] = build(mid, e);
      return id;
    };
    build(0, n);
    this.perm = perm;
    this.start = Int32Array.from(start);
    this.end = Int32Array.from(end);
    this.left = Int32Array.from(left);
    this.right = Int32Array.from(right);
    const m = start.length;
    this.lo = new Float64Array(m * p);
    this.hi = new Float64Array(m * p);
    for (let id = 0; id < m; id++) {
      this.lo.set(boxes[id].subarray(0, p), id * p);
      this.hi.set(boxes[id].subarray(p), id * p);
    }
    this.Xs = new Float64Array(n * p);
    for (let t = 0; t < n; t++) this.Xs.set(X.subarray(perm[t] * p, perm[t] * p + p), t * p);
  }

  private boxDist(id: number, x: Float64Array, xo: number, pw: number): number {
    const p = this.p;
    const o = id * p;
    let s = 0;
    for (let f = 0; f < p; f++) {
      const v = x[xo + f];
      const a = this.lo[o + f] - v;
      const b = v - this.hi[o + f];
      const d = a > 0 ? a : Math.max(b, 0);
      s += pw === 2 ? d * d : d;
    }
    return s;
  }

  query(x: Float64Array, xo: number, pw: number, heap: NeighborHeap): void {
    heap.reset();
    this.visit(0, this.boxDist(0, x, xo, pw), x, xo, pw, heap);
  }

  private visit(id: number, dist: number, x: Float64Array, xo: number, pw: number, heap: NeighborHeap): void {
    if (dist > heap.d[0]) return;
    const l = this.left[id];
    if (l < 0) {
      const { Xs, perm, p } = this;
      for (let t = this.start[id], o = t * p; t < this.end[id]; t++, o += p) {
        const worst = heap.d[0];
        const r = rdist(x, xo, Xs, o, p, pw, worst);
        if (r <= worst) heap.push(r, perm[t]);
      }
      return;
    }
    const r = this.right[id];
    const dl = this.boxDist(l, x, xo, pw);
    const dr = this.boxDist(r, x, xo, pw);
    if (dl <= dr) {
      this.visit(l, dl, x, xo, pw, heap);
      this.visit(r, dr, x, xo, pw, heap);
    } else {
      this.visit(r, dr, x, xo, pw, heap);
      this.visit(l, dl, x, xo, pw, heap);
    }
  }
}

/** Reorders perm[s..e) so perm[k] holds the row with the k-th smallest X[·, dim] (Hoare select). */
function nthElement(
  perm: Int32Array,
  s: number,
  e: number,
  k: number,
  X: Float64Array,
  p: number,
  dim: number,
): void {
  let lo = s;
  let hi = e - 1;
  while (hi > lo) {
    const pivot = X[perm[(lo + hi) >> 1] * p + dim];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (X[perm[i] * p + dim] < pivot) i++;
      while (X[perm[j] * p + dim] > pivot) j--;
      if (i <= j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
