/**
 * The WebAssembly twin of sparse-split.ts's `collect` (wasm/sparse-collect.c): a grower's binned
 * data copied once into the kernel's memory, with buffers for one small node — its rows, gathered
 * gradients / hessians, and the present bins with their sums. Same additions in the same order as
 * the TypeScript loop, so the trees are bit for bit those of the TypeScript path; ~3× faster per
 * row, which matters as small-node split search is the largest cost of a fully grown forest.
 */
import { alignUp, useKernel, WASM_PAGE, wasmModule } from '../../core/wasm.js';
import type { BinnedData } from './binning.js';
import { SPARSE_COLLECT_WASM } from './sparse-collect-wasm.js';

/** Byte offsets into the kernel's memory (and flags) that `collect` and `collect_scan` share. */
type CollectArgs = [
  bins: number,
  rows: number,
  cnt: number,
  og: number,
  oh: number,
  hasH: number,
  acc: number,
  seen: number,
  pb: number,
  pg: number,
  ph: number,
  pn: number,
];

type CollectFn = (...args: CollectArgs) => number;

type ScanFn = (...args: [...CollectArgs, nb: number, cons: number, res: number]) => number;

/** Bins per feature at most (255 values + missing) and slots of the per-bin buffers. */
const NB = 257;
/** The bins are copied into 32-bit memory: above this, the TypeScript path. */
const MAX_BIN_BYTES = 2 ** 30;
/**
 * Below this many (row, feature) cells the TypeScript path is as fast (`TABFLOW_KERNELS=auto`):
 * 100-tree forests on concrete-sized data, 5 fits in a fresh process, CPU ms (load 5-7):
 * 150 × 8 rows js 308-397 vs wasm 335-364 (even), 300 × 8 js 505-643 vs wasm 428-498,
 * 640 × 8 auto (then js) 799-933 vs wasm 659-765 — also warm (fits 3-5: ~115 vs ~85 ms).
 */
const MIN_CELLS = 2_000;

/** Byte offsets of the kernel's buffers in its memory, and the first byte after them. */
type Layout = Record<
  'bins' | 'rows' | 'og' | 'oh' | 'acc' | 'seen' | 'pb' | 'pg' | 'ph' | 'pn' | 'cons' | 'res' | 'end',
  number
>;

/** Above the module's stack (which ends at __heap_base): the bins, then the node's and bins' buffers. */
function layout(base: number, binBytes: number, maxRows: number): Layout {
  let end = alignUp(base, 16);
  const take = (bytes: number): number => {
    const a = end;
    end = alignUp(end + bytes, 8);
    return a;
  };
  const bins = take(binBytes);
  const rows = take(4 * maxRows);
  const og = take(8 * maxRows);
  const oh = take(8 * maxRows);
  const acc = take(8 * 3 * NB);
  const seen = take(4 * 9);
  const pb = take(4 * NB);
  const pg = take(8 * NB);
  const ph = take(8 * NB);
  const pn = take(8 * NB);
  const cons = take(8 * 9);
  const res = take(8 * 5);
  return { bins, rows, og, oh, acc, seen, pb, pg, ph, pn, cons, res, end };
}

let cachedBase = -1;

/** The module's __heap_base (a link-time constant), read once from a throw-away instance. */
function heapBase(module: WebAssembly.Module): number {
  if (cachedBase < 0) {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const g = new WebAssembly.Instance(module, { env: { memory } }).exports.__heap_base as WebAssembly.Global;
    cachedBase = g.value as number;
  }
  return cachedBase;
}

export class SparseCollectKernel {
  /**
   * A kernel over `data` for nodes of up to `maxRows` rows; null when the mode or the size keeps
   * the TypeScript path, or this runtime cannot compile the module.
   */
  static create(data: BinnedData, maxRows: number): SparseCollectKernel | null {
    if (maxRows < 1 || !SparseCollectKernel.wanted(data)) return null;
    const module = wasmModule('sparse-collect', SPARSE_COLLECT_WASM);
    return module ? new SparseCollectKernel(module, data, maxRows) : null;
  }

  /** Whether the mode (TABFLOW_KERNELS) and the size of `data` call for the kernel. */
  static wanted(data: BinnedData): boolean {
    const cells = data.nRows * data.nFeatures;
    return cells <= MAX_BIN_BYTES && useKernel(cells, MIN_CELLS);
  }

  /** Node rows and their gathered gradients / hessians (kernel memory; index 0 = node start). */
  readonly rows: Uint32Array;
  readonly og: Float64Array;
  readonly oh: Float64Array;
  /** The present bins of the last `collect`, ascending, with their sums. */
  readonly pb: Int32Array;
  readonly pg: Float64Array;
  readonly ph: Float64Array;
  readonly pn: Float64Array;
  /** `collectScan`'s result: present bins, then the best candidate's gain, gL, hL, nL. */
  readonly res: Float64Array;
  private readonly cons: Float64Array;
  private readonly fn: CollectFn;
  private readonly scan: ScanFn;
  private readonly at: Layout;

  private constructor(module: WebAssembly.Module, data: BinnedData, maxRows: number) {
    const base = heapBase(module);
    const at = layout(base, data.bins.length, maxRows);
    // Sized once: the views below stay valid (growing would detach them).
    const memory = new WebAssembly.Memory({ initial: Math.ceil(at.end / WASM_PAGE) });
    const exp = new WebAssembly.Instance(module, { env: { memory } }).exports;
    this.fn = exp.collect as CollectFn;
    this.scan = exp.collect_scan as ScanFn;
    this.at = at;
    const buf = memory.buffer;
    new Uint8Array(buf, at.bins, data.bins.length).set(data.bins);
    this.rows = new Uint32Array(buf, at.rows, maxRows);
    this.og = new Float64Array(buf, at.og, maxRows);
    this.oh = new Float64Array(buf, at.oh, maxRows);
    this.pb = new Int32Array(buf, at.pb, NB);
    this.pg = new Float64Array(buf, at.pg, NB);
    this.ph = new Float64Array(buf, at.ph, NB);
    this.pn = new Float64Array(buf, at.pn, NB);
    this.cons = new Float64Array(buf, at.cons, 9);
    this.res = new Float64Array(buf, at.res, 5);
  }

  /** Rows this kernel's node buffers hold. */
  get capacity(): number {
    return this.rows.length;
  }

  /**
   * Load a node: rows[start..start+cnt) and their gradients / hessians in node order (copied
   * unless they already are this kernel's `og` / `oh`).
   */
  load(rows: Uint32Array, start: number, cnt: number, og: Float64Array, oh: Float64Array | null): void {
    const r = this.rows;
    for (let k = 0; k < cnt; k++) r[k] = rows[start + k];
    if (og !== this.og) for (let k = 0; k < cnt; k++) this.og[k] = og[k];
    if (oh !== null && oh !== this.oh) for (let k = 0; k < cnt; k++) this.oh[k] = oh[k];
  }

  /**
   * Present bins of the feature whose column starts at `col` (feature × rows) over the loaded node
   * (`cnt` rows; hessians read only when `hasH`), into pb / pg / ph / pn; returns how many.
   */
  collect(col: number, cnt: number, hasH: boolean): number {
    const a = this.at;
    return this.fn(
      a.bins + col,
      a.rows,
      cnt,
      a.og,
      a.oh,
      hasH ? 1 : 0,
      a.acc,
      a.seen,
      a.pb,
      a.pg,
      a.ph,
      a.pn,
    );
  }

  /** The loaded node's sums and constraints, for `collectScan`. */
  setNode(
    G: number,
    H: number,
    N: number,
    l2: number,
    msl: number,
    mh: number,
    parent: number,
    hConst: number,
  ) {
    const c = this.cons;
    c[0] = G;
    c[1] = H;
    c[2] = N;
    c[3] = l2;
    c[4] = msl;
    c[5] = mh;
    c[6] = parent;
    c[8] = hConst;
  }

  /**
   * `collect`, then for a numeric feature without missing values in the node the best split over
   * its present bins that beats `best` (sparse-split.ts's presentBinsSplit). Returns its index in
   * pb (sums in `res`), -1 (none better), -2 (missing values: the caller scans) or -3 (constant).
   */
  collectScan(col: number, cnt: number, hasH: boolean, nb: number, best: number): number {
    const a = this.at;
    this.cons[7] = best;
    return this.scan(
      a.bins + col,
      a.rows,
      cnt,
      a.og,
      a.oh,
      hasH ? 1 : 0,
      a.acc,
      a.seen,
      a.pb,
      a.pg,
      a.ph,
      a.pn,
      nb,
      a.cons,
      a.res,
    );
  }
}
