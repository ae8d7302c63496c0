/**
 * Grows one regression tree from per-row gradients and hessians over a subset of rows (sklearn's
 * `TreeGrower`). Leaf-wise best-first (LightGBM) when `maxLeaves` is finite: the frontier leaf
 * with the largest gain is split next. With unlimited leaves the order does not change the tree,
 * so nodes are grown depth-first, which keeps only O(depth) histograms alive.
 *
 * Forests use the same grower: gradients −w·y and hessians w (w = bootstrap count or sample
 * weight) make the leaf value −G/(H+λ) a weighted mean and the gain a variance reduction;
 * `maxFeatures` draws a feature subset per node and `splitter: 'random'` draws one threshold per
 * candidate feature (extra trees).
 */
import type { Rng } from '../../core/random.js';
import type { BinMapper, BinnedData } from './binning.js';
import {
  allRowCounts,
  buildHistogram,
  buildRootHistogram,
  gatherOrdered,
  isIdentity,
  subtractHistogram,
} from './histogram.js';
import type { HistogramHelper } from './parallel-histogram.js';
import type { TreeArrays } from './predictor.js';
import { findBestSplitSparse, SparseScratch } from './sparse-split.js';
import { findBestSplit, leafValue, type SplitConstraints, SplitInfo, SplitScratch } from './splitting.js';

export interface GrowerOptions extends SplitConstraints {
  /** Maximum leaves; Infinity = unlimited (depth-first growth). */
  readonly maxLeaves: number;
  /** Maximum depth (root = 0); Infinity = unlimited. */
  readonly maxDepth: number;
  /** Candidate features drawn per node (≤ the tree's features); default all. Needs `rng`. */
  readonly maxFeatures?: number;
  /** 'best' (default) or 'random' (extra trees; needs `rng`). */
  readonly splitter?: 'best' | 'random';
  readonly rng?: Rng;
  /**
   * Nodes with at most this many rows find their split from the rows (`sparse-split.ts`) instead
   * of a histogram: same split, but O(rows · features) rather than O(all bins) per node — what
   * makes fully grown (forest) trees fast. 0 / absent = always histograms.
   */
  readonly sparseRows?: number;
}

/** A grown tree plus the training-only partition of its rows into leaves. */
export interface GrownTree {
  readonly tree: TreeArrays;
  /** Rows permuted so that each leaf's rows are contiguous: `rows[leafStart[k]..leafEnd[k])`. */
  readonly rows: Uint32Array;
  /** Node index of leaf k, and its row range. */
  readonly leafNode: Int32Array;
  readonly leafStart: Int32Array;
  readonly leafEnd: Int32Array;
}

/** Below this many (row, feature) cells a node's histogram is not worth a thread hand-off. */
const MIN_SHARED_CELLS = 200_000;

/** Growable per-node storage during training (never serialised). */
class NodeStore {
  n = 0;
  feature: Int32Array;
  bin: Int32Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  gain: Float64Array;
  count: Float64Array;
  g: Float64Array;
  h: Float64Array;
  start: Int32Array;
  end: Int32Array;
  depth: Int32Array;

  /** `capacity`: expected node count; sizing it right avoids regrowing (and GC) in deep trees. */
  constructor(capacity = 64) {
    const c = Math.max(1, capacity);
    this.feature = new Int32Array(c);
    this.bin = new Int32Array(c);
    this.missingLeft = new Uint8Array(c);
    this.left = new Int32Array(c);
    this.right = new Int32Array(c);
    this.value = new Float64Array(c);
    this.gain = new Float64Array(c);
    this.count = new Float64Array(c);
    this.g = new Float64Array(c);
    this.h = new Float64Array(c);
    this.start = new Int32Array(c);
    this.end = new Int32Array(c);
    this.depth = new Int32Array(c);
  }
  /** Categorical splits: node → go-left table over bins. Rare, so a Map is fine. */
  cat = new Map<number, Uint8Array>();

  /** Empty again for the next tree (`add` sets every field a node reads, so nothing is cleared). */
  reset(): void {
    this.n = 0;
    this.cat.clear();
  }

  add(g: number, h: number, cnt: number, start: number, end: number, depth: number, l2: number): number {
    if (this.n === this.feature.length) this.grow();
    const i = this.n++;
    this.feature[i] = -1;
    this.left[i] = -1;
    this.right[i] = -1;
    this.gain[i] = 0;
    this.missingLeft[i] = 0;
    this.g[i] = g;
    this.h[i] = h;
    this.count[i] = cnt;
    this.value[i] = leafValue(g, h, l2);
    this.start[i] = start;
    this.end[i] = end;
    this.depth[i] = depth;
    return i;
  }

  private grow(): void {
    const cap = this.feature.length * 2;
    const re = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.feature = re(this.feature);
    this.bin = re(this.bin);
    this.missingLeft = re(this.missingLeft);
    this.left = re(this.left);
    this.right = re(this.right);
    this.value = re(this.value);
    this.gain = re(this.gain);
    this.count = re(this.count);
    this.g = re(this.g);
    this.h = re(this.h);
    this.start = re(this.start);
    this.end = re(this.end);
    this.depth = re(this.depth);
  }
}

/**
 * Reusable grower for one binned training set: holds the scratch buffers (histogram pool,
 * ordered gradients, partition buffer) so growing many trees allocates almost nothing.
 */
export class TreeGrower {
  private readonly mapper: BinMapper;
  private readonly data: BinnedData;
  private readonly histSize: number;
  private readonly histPool: Float64Array[] = [];
  private readonly splitPool: SplitInfo[] = [];
  private readonly maskPool: Uint8Array[] = [];
  private readonly og: Float64Array;
  private readonly oh: Float64Array;
  private readonly tmp: Uint32Array;
  private readonly lut = new Uint8Array(257);
  private readonly scratch = new SplitScratch();
  private readonly sparseScratch = new SparseScratch();
  private readonly candidates: Int32Array;
  /** Node storage reused by every tree this grower grows (finish copies what a tree keeps). */
  private nodeStore: NodeStore | null = null;
  /** Bin counts over all rows, for root histograms (computed on first use). */
  private rootCounts: Float64Array | null = null;

  private readonly helper: HistogramHelper | null;
  private readonly freeSlots: number[] = [];

  /**
   * `helper` (large data only): a second thread for histograms; then `data` must be
   * `helper.sharedData(...)` and grow() must get `helper.buf.rows` / `.grad` / `.hess` (else the
   * grower silently builds on one thread).
   */
  constructor(mapper: BinMapper, data: BinnedData, helper: HistogramHelper | null = null) {
    this.mapper = mapper;
    this.data = data;
    this.helper = helper;
    this.histSize = 3 * mapper.offsets[mapper.nFeatures];
    this.og = helper ? helper.buf.og : new Float64Array(data.nRows);
    this.oh = helper ? helper.buf.oh : new Float64Array(data.nRows);
    if (helper) for (let k = helper.slots - 1; k >= 0; k--) this.freeSlots.push(k);
    this.tmp = new Uint32Array(data.nRows);
    this.candidates = new Int32Array(mapper.nFeatures);
  }

  /**
   * Grow a tree on `rows[0..nRows)` (row ids into the binned data; permuted in place).
   * `hess === null` means every hessian equals `hConst` (squared loss: cheaper histograms).
   * `features` restricts the tree to a column subset (default all).
   */
  grow(
    grad: Float64Array,
    hess: Float64Array | null,
    hConst: number,
    rows: Uint32Array,
    nRows: number,
    opts: GrowerOptions,
    features?: Int32Array,
  ): GrownTree {
    const mapper = this.mapper;
    const p = mapper.nFeatures;
    const feats = features ?? Int32Array.from({ length: p }, (_, j) => j);
    const nf = feats.length;
    const l2 = opts.l2;
    const maxLeaves = opts.maxLeaves > 0 ? opts.maxLeaves : Number.POSITIVE_INFINITY;
    const bestFirst = Number.isFinite(maxLeaves);
    const random = opts.splitter === 'random';
    const k = Math.min(nf, Math.max(1, Math.floor(opts.maxFeatures ?? nf)));
    if ((random || k < nf) && !opts.rng)
      throw new RangeError('grow: maxFeatures < features or random splits need an rng');
    const rng = opts.rng ?? null;
    // A binary tree on nRows rows has at most 2·nRows − 1 nodes (and 2·leaves − 1, 2^(depth+1) − 1).
    const depthCap = opts.maxDepth < 30 ? 2 ** (opts.maxDepth + 1) : Number.POSITIVE_INFINITY;
    const nodes = this.takeNodes(Math.max(64, Math.min(2 * nRows, 2 * maxLeaves, depthCap)));

    let G = 0;
    let H = 0;
    for (let i = 0; i < nRows; i++) G += grad[rows[i]];
    if (hess) for (let i = 0; i < nRows; i++) H += hess[rows[i]];
    else H = hConst * nRows;
    nodes.add(G, H, nRows, 0, nRows, 0, l2);

    // Frontier: splittable nodes with their histogram and best split.
    const fNode: number[] = [];
    const fHist: (Float64Array | null)[] = [];
    const fSplit: SplitInfo[] = [];
    // Sparse nodes: features found constant (a feature constant in a node is constant below it).
    const fMask: (Uint8Array | null)[] = [];
    let parentMask: Uint8Array | null = null;
    let leaves = 1;

    const canSplit = (node: number): boolean =>
      nodes.depth[node] < opts.maxDepth &&
      nodes.count[node] >= 2 * opts.minSamplesLeaf &&
      nodes.h[node] >= 2 * opts.minHessian &&
      leaves < maxLeaves;

    // The root over all rows in order (no subsample) reuses cached bin counts.
    const identityRoot = nRows === this.data.nRows && isIdentity(rows, nRows);
    const helper = this.helper;
    const canShare =
      helper !== null &&
      grad === helper.buf.grad &&
      rows === helper.buf.rows &&
      (!hess || hess === helper.buf.hess);
    if (canShare) helper.buf.feats.set(feats);
    const half = nf >> 1;
    const build = (node: number, hist: Float64Array): void => {
      const s = nodes.start[node];
      const e = nodes.end[node];
      const root = node === 0 && identityRoot;
      if (root && !this.rootCounts) {
        const counts = allRowCounts(this.data, mapper.offsets);
        this.rootCounts = helper ? helper.buf.counts : counts;
        this.rootCounts.set(counts);
      }
      // Large nodes: the helper thread builds the second half of the features meanwhile.
      const off = canShare && (e - s) * nf >= MIN_SHARED_CELLS ? helper.offsetOf(hist) : -1;
      const mine = off >= 0 ? half : nf;
      if (root) {
        if (off >= 0) helper?.post(1, off, 0, nRows, half, nf, hess !== null, hConst);
        buildRootHistogram(
          hist,
          this.data,
          mapper.offsets,
          feats,
          mine,
          grad,
          hess,
          hConst,
          this.rootCounts as Float64Array,
        );
      } else {
        gatherOrdered(this.og, grad, rows, s, e);
        if (hess) gatherOrdered(this.oh, hess, rows, s, e);
        if (off >= 0) helper?.post(2, off, s, e, half, nf, hess !== null, hConst);
        const oh = hess ? this.oh : null;
        buildHistogram(hist, this.data, mapper.offsets, feats, mine, rows, s, e, this.og, oh, hConst);
      }
      // The helper may not have been scheduled yet (busy machine): then do its half here.
      if (off >= 0 && helper?.claimOrWait()) {
        const rest = feats.subarray(half);
        const counts = this.rootCounts as Float64Array;
        const oh = hess ? this.oh : null;
        if (root)
          buildRootHistogram(hist, this.data, mapper.offsets, rest, nf - half, grad, hess, hConst, counts);
        else
          buildHistogram(hist, this.data, mapper.offsets, rest, nf - half, rows, s, e, this.og, oh, hConst);
      }
    };

    const sparseRows = opts.sparseRows ?? 0;
    const isSparse = (node: number): boolean => nodes.count[node] <= sparseRows;

    // Evaluate a node with a ready histogram (or, for a sparse node, null: split from its rows):
    // keep it in the frontier, or release it as a leaf.
    const consider = (node: number, hist: Float64Array | null): void => {
      const split = this.splitPool.pop() ?? new SplitInfo();
      const cand = k < nf ? this.sampleFeatures(feats, k, rng as Rng) : feats;
      const G = nodes.g[node];
      const H = nodes.h[node];
      const N = nodes.count[node];
      let mask: Uint8Array | null = null;
      if (hist) findBestSplit(hist, mapper, cand, k, G, H, N, opts, split, this.scratch, random ? rng : null);
      else {
        const s = nodes.start[node];
        const e = nodes.end[node];
        gatherOrdered(this.og, grad, rows, s, e);
        if (hess) gatherOrdered(this.oh, hess, rows, s, e);
        const oh = hess ? this.oh : null;
        const sc = this.sparseScratch;
        mask = this.takeMask(parentMask);
        findBestSplitSparse(
          this.data,
          mapper,
          rows,
          s,
          e,
          this.og,
          oh,
          hConst,
          cand,
          k,
          G,
          H,
          N,
          opts,
          split,
          sc,
          random ? rng : null,
          mask,
        );
      }
      if (split.found) {
        fNode.push(node);
        fHist.push(hist);
        fSplit.push(split);
        fMask.push(mask);
      } else {
        this.splitPool.push(split);
        if (hist) this.histPool.push(hist);
        if (mask) this.maskPool.push(mask);
      }
    };

    if (canSplit(0)) {
      if (isSparse(0)) consider(0, null);
      else {
        const hist = this.takeHist();
        build(0, hist);
        consider(0, hist);
      }
    }

    while (fNode.length > 0 && leaves < maxLeaves) {
      let pick = fNode.length - 1;
      if (bestFirst) {
        // Largest gain first; ties go to the older node (deterministic).
        for (let q = fNode.length - 2; q >= 0; q--) if (fSplit[q].gain >= fSplit[pick].gain) pick = q;
      }
      const node = fNode[pick];
      const hist = fHist[pick];
      const split = fSplit[pick];
      // The previous node's children have been considered (they copied its mask): recycle it.
      if (parentMask) this.maskPool.push(parentMask);
      parentMask = fMask[pick];
      if (pick === fNode.length - 1) {
        // Depth-first (every forest node): pop, as splice allocates an array per call.
        fNode.pop();
        fHist.pop();
        fSplit.pop();
        fMask.pop();
      } else {
        fNode.splice(pick, 1);
        fHist.splice(pick, 1);
        fSplit.splice(pick, 1);
        fMask.splice(pick, 1);
      }

      const mid = this.partition(rows, nodes.start[node], nodes.end[node], split);
      const d = nodes.depth[node] + 1;
      const l = nodes.add(split.gL, split.hL, mid - nodes.start[node], nodes.start[node], mid, d, l2);
      const r = nodes.add(split.gR, split.hR, nodes.end[node] - mid, mid, nodes.end[node], d, l2);
      nodes.feature[node] = split.feature;
      nodes.bin[node] = split.bin;
      nodes.missingLeft[node] = split.missingLeft ? 1 : 0;
      nodes.gain[node] = split.gain;
      nodes.left[node] = l;
      nodes.right[node] = r;
      if (split.isCategorical) nodes.cat.set(node, split.catLeft.slice(0, mapper.nBins[split.feature] + 1));
      this.splitPool.push(split);
      leaves++;

      const okL = canSplit(l);
      const okR = canSplit(r);
      if (!okL && !okR) {
        if (hist) this.histPool.push(hist);
        continue;
      }
      // Subtraction trick: build the smaller child from rows, the larger is parent − smaller.
      const smallIsLeft = nodes.count[l] <= nodes.count[r];
      const small = smallIsLeft ? l : r;
      const large = smallIsLeft ? r : l;
      const okSmall = smallIsLeft ? okL : okR;
      const okLarge = smallIsLeft ? okR : okL;
      if (!okLarge || isSparse(large) || !hist) {
        // The larger child needs no histogram: no subtraction, so none for the smaller unless dense.
        if (hist) this.histPool.push(hist);
        if (okLarge) {
          if (isSparse(large)) consider(large, null);
          else {
            const hl = this.takeHist();
            build(large, hl);
            consider(large, hl);
          }
        }
        if (okSmall) {
          if (isSparse(small)) consider(small, null);
          else {
            const hs = this.takeHist();
            build(small, hs);
            consider(small, hs);
          }
        }
        continue;
      }
      const hs = this.takeHist();
      build(small, hs);
      subtractHistogram(hist, hist, hs, mapper.offsets, feats, nf);
      consider(large, hist);
      if (okSmall && !isSparse(small)) consider(small, hs);
      else {
        this.histPool.push(hs);
        if (okSmall) consider(small, null);
      }
    }
    for (const h of fHist) if (h) this.histPool.push(h);
    for (const s of fSplit) this.splitPool.push(s);
    for (const m of fMask) if (m) this.maskPool.push(m);
    if (parentMask) this.maskPool.push(parentMask);
    return this.finish(nodes, rows);
  }

  /** The reused node storage, emptied, with room for `capacity` nodes before it regrows. */
  private takeNodes(capacity: number): NodeStore {
    const s = this.nodeStore;
    if (s && s.feature.length >= capacity) {
      s.reset();
      return s;
    }
    this.nodeStore = new NodeStore(capacity);
    return this.nodeStore;
  }

  /** A per-feature constant mask: a copy of the parent's, or all zeros. */
  private takeMask(from: Uint8Array | null): Uint8Array {
    const m = this.maskPool.pop() ?? new Uint8Array(this.mapper.nFeatures);
    if (from) m.set(from);
    else m.fill(0);
    return m;
  }

  private takeHist(): Float64Array {
    const h = this.histPool.pop();
    if (h) return h;
    const k = this.freeSlots.pop();
    return k !== undefined && this.helper ? this.helper.slot(k) : new Float64Array(this.histSize);
  }

  /** Partial Fisher–Yates: k distinct features from the tree's features, in ascending order. */
  private sampleFeatures(feats: Int32Array, k: number, rng: Rng): Int32Array {
    const c = this.candidates;
    c.set(feats);
    const n = feats.length;
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(n - i);
      const t = c[i];
      c[i] = c[j];
      c[j] = t;
    }
    c.subarray(0, k).sort();
    return c;
  }

  /** Stable partition of rows[start..end) by the split: left rows first. Returns the boundary. */
  private partition(rows: Uint32Array, start: number, end: number, split: SplitInfo): number {
    const lut = this.lut;
    split.goLeftTable(this.mapper, lut);
    const n = this.data.nRows;
    const bins = this.data.bins.subarray(split.feature * n, split.feature * n + n);
    const tmp = this.tmp;
    let nl = start;
    let nr = 0;
    // Branch-free: the direction of a row is unpredictable, so write it to both sides and advance one.
    for (let i = start; i < end; i++) {
      const r = rows[i];
      const l = lut[bins[r]];
      rows[nl] = r;
      tmp[nr] = r;
      nl += l;
      nr += 1 - l;
    }
    rows.set(tmp.subarray(0, nr), nl);
    return nl;
  }

  /** Training nodes → flat predictor arrays with raw thresholds and categorical bitsets. */
  private finish(nodes: NodeStore, rows: Uint32Array): GrownTree {
    const n = nodes.n;
    const mapper = this.mapper;
    const threshold = new Float64Array(n);
    const catStart = new Int32Array(n).fill(-1);
    const bits: number[] = [];
    let nLeaves = 0;
    for (let i = 0; i < n; i++) {
      const f = nodes.feature[i];
      if (f < 0) {
        nLeaves++;
        continue;
      }
      const lutCat = nodes.cat.get(i);
      if (lutCat) {
        const c2b = mapper.codeToBin[f];
        const nWords = Math.max(1, Math.ceil(c2b.length / 32));
        catStart[i] = bits.length;
        bits.push(nWords);
        const base = bits.length;
        for (let w = 0; w < nWords; w++) bits.push(0);
        for (let c = 0; c < c2b.length; c++) if (lutCat[c2b[c]]) bits[base + (c >>> 5)] |= 1 << (c & 31);
      } else {
        const b = nodes.bin[i];
        const thr = mapper.thresholds[f];
        threshold[i] = b < thr.length ? thr[b] : Number.POSITIVE_INFINITY;
      }
    }
    const leafNode = new Int32Array(nLeaves);
    const leafStart = new Int32Array(nLeaves);
    const leafEnd = new Int32Array(nLeaves);
    for (let i = 0, q = 0; i < n; i++) {
      if (nodes.feature[i] >= 0) continue;
      leafNode[q] = i;
      leafStart[q] = nodes.start[i];
      leafEnd[q] = nodes.end[i];
      q++;
    }
    const tree: TreeArrays = {
      feature: nodes.feature.slice(0, n),
      threshold,
      left: nodes.left.slice(0, n),
      right: nodes.right.slice(0, n),
      value: nodes.value.slice(0, n),
      missingLeft: nodes.missingLeft.slice(0, n),
      gain: nodes.gain.slice(0, n),
      count: nodes.count.slice(0, n),
      catStart,
      catBits: Uint32Array.from(bits),
    };
    return { tree, rows, leafNode, leafStart, leafEnd };
  }
}
