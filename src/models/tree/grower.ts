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
import { chunkWidth } from './histogram-chunks.js';
import type { HistogramKernel } from './histogram-kernel.js';
import type { HistogramHelper } from './parallel-histogram.js';
import type { TreeArrays } from './predictor.js';
import { partitionPart } from './row-jobs.js';
import { SparseCollectKernel } from './sparse-kernel.js';
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

/** Nodes of at most this many rows partition in `partitionSmall` (no table, no kernel call). */
const SMALL_PARTITION = 64;

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

/** One tree's growth: what the steps of `TreeGrower.grow` share. */
interface Growth {
  readonly grad: Float64Array;
  readonly hess: Float64Array | null;
  readonly hConst: number;
  readonly rows: Uint32Array;
  readonly nRows: number;
  readonly opts: GrowerOptions;
  /** The tree's features, how many, and how many each node draws from them. */
  readonly feats: Int32Array;
  readonly nf: number;
  readonly k: number;
  readonly maxLeaves: number;
  /** Leaf-wise (limited leaves) rather than depth-first. */
  readonly bestFirst: boolean;
  /** The rng of random thresholds (extra trees), else null; `sampler` draws feature subsets. */
  readonly rng: Rng | null;
  readonly sampler: Rng | null;
  readonly nodes: NodeStore;
  readonly identityRoot: boolean;
  /** The arrays live in the helper's shared memory: its thread and its kernel may work on them. */
  readonly canShare: boolean;
  /** The WebAssembly kernel on the shared arrays, or null (TypeScript loops). */
  readonly kernel: HistogramKernel | null;
  readonly sparseRows: number;
  /** Scratch of the sparse split finder (with its WebAssembly kernel when one is used). */
  readonly sparse: SparseScratch;
  /** Frontier: splittable nodes with their histogram, best split and constant-feature mask. */
  readonly fNode: number[];
  readonly fHist: (Float64Array | null)[];
  readonly fSplit: SplitInfo[];
  readonly fMask: (Uint8Array | null)[];
  /** Constant-feature mask of the node whose children are being considered (sparse nodes). */
  parentMask: Uint8Array | null;
  leaves: number;
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
  private readonly lut: Uint8Array;
  private readonly scratch = new SplitScratch();
  private readonly sparseScratch = new SparseScratch();
  /** The sparse scratch with a WebAssembly kernel over this grower's data (created on demand). */
  private kernelScratch: SparseScratch | null = null;
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
    this.tmp = helper ? helper.buf.tmp : new Uint32Array(data.nRows);
    this.lut = helper ? helper.buf.lut : new Uint8Array(257);
    this.candidates = new Int32Array(mapper.nFeatures);
  }

  /**
   * Grow a tree on `rows[0..nRows)` (row ids into the binned data; permuted in place).
   * `hess === null` means every hessian equals `hConst` (squared loss: cheaper histograms).
   * `features` restricts the tree to a column subset (default all).
   *
   * The steps (scikit-learn's grower.py): the root's best split is computed and pushed on the
   * frontier; then `splitNext` splits the frontier node chosen (largest gain, or depth-first
   * when leaves are unlimited) and computes its children's best splits, until the frontier is
   * empty or the leaves run out; `finish` turns the nodes into predictor arrays.
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
    const g = this.startGrowth(grad, hess, hConst, rows, nRows, opts, features);
    if (this.canSplit(g, 0)) this.considerAlone(g, 0);
    while (g.fNode.length > 0 && g.leaves < g.maxLeaves) this.splitNext(g);
    for (const h of g.fHist) if (h) this.histPool.push(h);
    for (const sp of g.fSplit) this.splitPool.push(sp);
    for (const m of g.fMask) if (m) this.maskPool.push(m);
    if (g.parentMask) this.maskPool.push(g.parentMask);
    return this.finish(g.nodes, rows);
  }

  /** The state of one tree's growth, with its root node added. */
  private startGrowth(
    grad: Float64Array,
    hess: Float64Array | null,
    hConst: number,
    rows: Uint32Array,
    nRows: number,
    opts: GrowerOptions,
    features?: Int32Array,
  ): Growth {
    const p = this.mapper.nFeatures;
    const feats = features ?? Int32Array.from({ length: p }, (_, j) => j);
    const nf = feats.length;
    const maxLeaves = opts.maxLeaves > 0 ? opts.maxLeaves : Number.POSITIVE_INFINITY;
    const random = opts.splitter === 'random';
    const k = Math.min(nf, Math.max(1, Math.floor(opts.maxFeatures ?? nf)));
    if ((random || k < nf) && !opts.rng)
      throw new RangeError('grow: maxFeatures < features or random splits need an rng');
    // A binary tree on nRows rows has at most 2·nRows − 1 nodes (and 2·leaves − 1, 2^(depth+1) − 1).
    const depthCap = opts.maxDepth < 30 ? 2 ** (opts.maxDepth + 1) : Number.POSITIVE_INFINITY;
    const nodes = this.takeNodes(Math.max(64, Math.min(2 * nRows, 2 * maxLeaves, depthCap)));
    let G = 0;
    let H = 0;
    for (let i = 0; i < nRows; i++) G += grad[rows[i]];
    if (hess) for (let i = 0; i < nRows; i++) H += hess[rows[i]];
    else H = hConst * nRows;
    nodes.add(G, H, nRows, 0, nRows, 0, opts.l2);
    const helper = this.helper;
    const canShare =
      helper !== null &&
      this.data.bins === helper.buf.bins &&
      grad === helper.buf.grad &&
      rows === helper.buf.rows &&
      (!hess || hess === helper.buf.hess);
    if (canShare) helper.buf.feats.set(feats);
    return {
      grad,
      hess,
      hConst,
      rows,
      nRows,
      opts,
      feats,
      nf,
      k,
      maxLeaves,
      bestFirst: Number.isFinite(maxLeaves),
      rng: random ? (opts.rng ?? null) : null,
      sampler: opts.rng ?? null,
      nodes,
      // The root over all rows in order (no subsample) reuses cached bin counts.
      identityRoot: nRows === this.data.nRows && isIdentity(rows, nRows),
      canShare,
      kernel: canShare ? (helper as HistogramHelper).kernel : null,
      sparseRows: opts.sparseRows ?? 0,
      sparse: this.sparseScratchFor(opts.sparseRows ?? 0),
      fNode: [],
      fHist: [],
      fSplit: [],
      fMask: [],
      parentMask: null,
      leaves: 1,
    };
  }

  private canSplit(g: Growth, node: number): boolean {
    const { nodes, opts } = g;
    return (
      nodes.depth[node] < opts.maxDepth &&
      nodes.count[node] >= 2 * opts.minSamplesLeaf &&
      nodes.h[node] >= 2 * opts.minHessian &&
      g.leaves < g.maxLeaves
    );
  }

  private isSparse(g: Growth, node: number): boolean {
    return g.nodes.count[node] <= g.sparseRows;
  }

  /** The histogram of a node's rows (large nodes: both threads take chunks of the features). */
  private buildHistogramOf(g: Growth, node: number, hist: Float64Array): void {
    const { nodes, nf, grad, hess, hConst } = g;
    const mapper = this.mapper;
    const helper = this.helper;
    const s = nodes.start[node];
    const e = nodes.end[node];
    const root = node === 0 && g.identityRoot;
    if (root && !this.rootCounts) {
      const counts = allRowCounts(this.data, mapper.offsets);
      this.rootCounts = helper ? helper.buf.counts : counts;
      this.rootCounts.set(counts);
    }
    const threaded = g.canShare && helper?.threaded === true && (e - s) * nf >= MIN_SHARED_CELLS;
    const off = threaded ? (helper as HistogramHelper).offsetOf(hist) : -1;
    // With the kernel the worker reads the gradients through the rows: it starts before the
    // gather (which only this thread's chunks need) instead of waiting for it.
    const direct = !root && g.kernel !== null;
    // Root chunks are one feature over all rows; node chunks four (the kernel's quad loop).
    const width = chunkWidth(nf, root ? 1 : 4);
    const post = () => helper?.postChunks(root ? 1 : 2, off, s, e, nf, width, hess !== null, hConst, direct);
    if (off >= 0 && direct) post();
    if (!root) {
      this.gather(g, this.og, grad, s, e);
      if (hess) this.gather(g, this.oh, hess, s, e);
    }
    if (off < 0) {
      this.buildPart(g, node, hist, 0, nf);
      return;
    }
    if (!direct) post();
    (helper as HistogramHelper).runChunks((i) =>
      this.buildPart(g, node, hist, i * width, Math.min(nf, (i + 1) * width)),
    );
  }

  /** Features feats[from..to) of a node's histogram, by the kernel when it holds the arrays. */
  private buildPart(g: Growth, node: number, hist: Float64Array, from: number, to: number): void {
    const { hess, hConst, grad, rows, kernel } = g;
    const s = g.nodes.start[node];
    const e = g.nodes.end[node];
    const root = node === 0 && g.identityRoot;
    const oh = hess ? this.oh : null;
    const counts = this.rootCounts as Float64Array;
    if (kernel?.holds(hist)) {
      const b = (this.helper as HistogramHelper).buf;
      const fs = b.feats.subarray(from, to);
      const n = this.data.nRows;
      if (root)
        kernel.root(hist, b.bins, n, b.offsets, fs, to - from, grad, hess, hConst, counts, b.scratch0);
      else
        kernel.node(hist, b.bins, n, b.offsets, fs, to - from, rows, s, e, this.og, oh, hConst, b.scratch0);
      return;
    }
    const fs = g.feats.subarray(from, to);
    const offsets = this.mapper.offsets;
    if (root) buildRootHistogram(hist, this.data, offsets, fs, to - from, grad, hess, hConst, counts);
    else buildHistogram(hist, this.data, offsets, fs, to - from, rows, s, e, this.og, oh, hConst);
  }

  /** `out[k] = src[rows[s + k]]` (histogram.ts gatherOrdered, or the kernel's). */
  private gather(g: Growth, out: Float64Array, src: Float64Array, s: number, e: number): void {
    if (g.kernel) g.kernel.gather(out, src, g.rows, s, e);
    else gatherOrdered(out, src, g.rows, s, e);
  }

  /**
   * A node's best split, from its histogram or (a sparse node, `hist` null) from its rows: pushed
   * on the frontier when there is one, else the node stays a leaf and its buffers are released.
   */
  private computeBestSplitAndPush(g: Growth, node: number, hist: Float64Array | null): void {
    const { nodes, opts, k, nf, feats } = g;
    const split = this.splitPool.pop() ?? new SplitInfo();
    const cand = k < nf ? this.sampleFeatures(feats, k, g.sampler as Rng) : feats;
    const G = nodes.g[node];
    const H = nodes.h[node];
    const N = nodes.count[node];
    let mask: Uint8Array | null = null;
    if (hist) findBestSplit(hist, this.mapper, cand, k, G, H, N, opts, split, this.scratch, g.rng);
    else {
      const s = nodes.start[node];
      const e = nodes.end[node];
      const sc = g.sparse;
      // Gather straight into the kernel's memory when the node fits there (no second copy).
      const kernel = sc.kernel !== null && e - s <= sc.kernel.capacity ? sc.kernel : null;
      const og = kernel ? kernel.og : this.og;
      const ohBuf = kernel ? kernel.oh : this.oh;
      gatherOrdered(og, g.grad, g.rows, s, e);
      if (g.hess) gatherOrdered(ohBuf, g.hess, g.rows, s, e);
      const oh = g.hess ? ohBuf : null;
      mask = this.takeMask(g.parentMask);
      findBestSplitSparse(
        this.data,
        this.mapper,
        g.rows,
        s,
        e,
        og,
        oh,
        g.hConst,
        cand,
        k,
        G,
        H,
        N,
        opts,
        split,
        sc,
        g.rng,
        mask,
      );
    }
    if (split.found) {
      g.fNode.push(node);
      g.fHist.push(hist);
      g.fSplit.push(split);
      g.fMask.push(mask);
    } else {
      this.splitPool.push(split);
      if (hist) this.histPool.push(hist);
      if (mask) this.maskPool.push(mask);
    }
  }

  /** Split the next frontier node (largest gain first; ties to the older node) and consider its children. */
  private splitNext(g: Growth): void {
    const { fNode, fHist, fSplit, fMask, nodes } = g;
    let pick = fNode.length - 1;
    if (g.bestFirst) {
      for (let q = fNode.length - 2; q >= 0; q--) if (fSplit[q].gain >= fSplit[pick].gain) pick = q;
    }
    const node = fNode[pick];
    const hist = fHist[pick];
    const split = fSplit[pick];
    // The previous node's children have been considered (they copied its mask): recycle it.
    if (g.parentMask) this.maskPool.push(g.parentMask);
    g.parentMask = fMask[pick];
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
    const start = nodes.start[node];
    const end = nodes.end[node];
    const mid = this.partition(g, start, end, split);
    const d = nodes.depth[node] + 1;
    const l2 = g.opts.l2;
    const l = nodes.add(split.gL, split.hL, mid - start, start, mid, d, l2);
    const r = nodes.add(split.gR, split.hR, end - mid, mid, end, d, l2);
    nodes.feature[node] = split.feature;
    nodes.bin[node] = split.bin;
    nodes.missingLeft[node] = split.missingLeft ? 1 : 0;
    nodes.gain[node] = split.gain;
    nodes.left[node] = l;
    nodes.right[node] = r;
    if (split.isCategorical)
      nodes.cat.set(node, split.catLeft.slice(0, this.mapper.nBins[split.feature] + 1));
    this.splitPool.push(split);
    g.leaves++;
    this.considerChildren(g, l, r, hist);
  }

  /**
   * Best splits of a new node pair. Subtraction trick: the smaller child's histogram is built
   * from its rows, the larger's is the parent's minus it; sparse children split from their rows.
   */
  private considerChildren(g: Growth, l: number, r: number, hist: Float64Array | null): void {
    const okL = this.canSplit(g, l);
    const okR = this.canSplit(g, r);
    if (!okL && !okR) {
      if (hist) this.histPool.push(hist);
      return;
    }
    const smallIsLeft = g.nodes.count[l] <= g.nodes.count[r];
    const small = smallIsLeft ? l : r;
    const large = smallIsLeft ? r : l;
    const okSmall = smallIsLeft ? okL : okR;
    const okLarge = smallIsLeft ? okR : okL;
    if (!okLarge || this.isSparse(g, large) || !hist) {
      // The larger child needs no histogram: no subtraction, so none for the smaller unless dense.
      if (hist) this.histPool.push(hist);
      if (okLarge) this.considerAlone(g, large);
      if (okSmall) this.considerAlone(g, small);
      return;
    }
    const hs = this.takeHist();
    this.buildHistogramOf(g, small, hs);
    const b = this.helper?.buf;
    if (b && g.kernel?.holds(hist, hs)) g.kernel.subtract(hist, hist, hs, b.offsets, b.feats, g.nf);
    else subtractHistogram(hist, hist, hs, this.mapper.offsets, g.feats, g.nf);
    this.computeBestSplitAndPush(g, large, hist);
    if (okSmall && !this.isSparse(g, small)) this.computeBestSplitAndPush(g, small, hs);
    else {
      this.histPool.push(hs);
      if (okSmall) this.computeBestSplitAndPush(g, small, null);
    }
  }

  /** A node's best split without a parent histogram to subtract from. */
  private considerAlone(g: Growth, node: number): void {
    if (this.isSparse(g, node)) {
      this.computeBestSplitAndPush(g, node, null);
      return;
    }
    const h = this.takeHist();
    this.buildHistogramOf(g, node, h);
    this.computeBestSplitAndPush(g, node, h);
  }

  /**
   * The sparse scratch for nodes of up to `maxRows` rows: with a WebAssembly kernel when the mode
   * and the data size call for one (its copy of the bins is made once per grower), else plain.
   */
  private sparseScratchFor(maxRows: number): SparseScratch {
    if (maxRows <= 2 || !SparseCollectKernel.wanted(this.data)) return this.sparseScratch;
    const cached = this.kernelScratch;
    if (cached?.kernel && cached.kernel.capacity >= maxRows) return cached;
    const kernel = SparseCollectKernel.create(this.data, maxRows);
    this.kernelScratch = kernel ? new SparseScratch(kernel) : null;
    return this.kernelScratch ?? this.sparseScratch;
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
  private partition(g: Growth, start: number, end: number, split: SplitInfo): number {
    if (end - start <= SMALL_PARTITION) return this.partitionSmall(g.rows, start, end, split);
    const rows = g.rows;
    const lut = this.lut;
    split.goLeftTable(this.mapper, lut);
    const n = this.data.nRows;
    const bins = this.data.bins.subarray(split.feature * n, split.feature * n + n);
    const tmp = this.tmp;
    // A large node: both threads partition half of its rows, then the halves are joined.
    if (g.canShare && this.helper?.splits(end - start))
      return this.helper.partition(start, end, split.feature);
    if (g.kernel) return g.kernel.partition(rows, start, end, bins, lut, tmp);
    const nl = start + partitionPart(rows, start, end, bins, lut, tmp);
    rows.set(tmp.subarray(start, start + end - nl), nl);
    return nl;
  }

  /**
   * `partition` of a small node: bins compared with the split directly — no go-left table (up to
   * 256 bytes to fill), no column view, no kernel call, which cost more than the rows in the tens
   * of thousands of tiny nodes of a fully grown tree. Same rows, same order.
   */
  private partitionSmall(rows: Uint32Array, start: number, end: number, split: SplitInfo): number {
    const f = split.feature;
    const base = f * this.data.nRows;
    const bins = this.data.bins;
    const tmp = this.tmp;
    const missing = this.mapper.nBins[f];
    const cat = split.isCategorical ? split.catLeft : null;
    const sb = split.bin;
    const ml = split.missingLeft ? 1 : 0;
    let nl = start;
    let nr = 0;
    for (let i = start; i < end; i++) {
      const r = rows[i];
      const b = bins[base + r];
      const l = cat ? cat[b] : b === missing ? ml : +(b <= sb);
      rows[nl] = r;
      tmp[nr] = r;
      nl += l;
      nr += 1 - l;
    }
    for (let k = 0; k < nr; k++) rows[nl + k] = tmp[k];
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
      // Only categorical features can have a table: skip the Map lookup for the rest.
      const lutCat = mapper.isCategorical[f] === 1 ? nodes.cat.get(i) : undefined;
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
