/**
 * A k-NN search structure copied once into WebAssembly memory, for the queries of
 * wasm/knn-query.c: the KD-tree of kd-tree.ts (rows in tree order, node ranges, children, boxes)
 * or, for brute force, the training rows. Same sums in the same order and the same heap as the
 * TypeScript path, so the neighbours and their distances are bit for bit the same — only faster.
 */
import { alignUp, wasmModule } from '../../core/wasm.js';
import { growTo, MAX_BYTES } from '../tree/tree-pack.js';
import type { KdTree } from './kd-tree.js';
import { KNN_QUERY_WASM } from './knn-query-wasm.js';

/** Doubles of one query chunk (2 MiB), at least 64 rows. */
const CHUNK_VALUES = 1 << 18;

type Query = (...args: number[]) => void;

interface Exports {
  kd_query: Query;
  brute_query: Query;
  __heap_base: WebAssembly.Global;
}

/** Lays arrays out from `from` on, 8-byte aligned. */
class Layout {
  constructor(private p: number) {}
  place(bytes: number): number {
    const at = alignUp(this.p, 8);
    this.p = at + bytes;
    return at;
  }
  get end(): number {
    return alignUp(this.p, 8);
  }
}

export class WasmKnnIndex {
  /**
   * The tree (or, when `tree` is null, the n × p training rows `X` for brute force) in a new
   * kernel instance for k neighbours; null when this runtime cannot run the kernel or the data
   * does not fit in its memory.
   */
  static create(tree: KdTree | null, X: Float64Array, n: number, p: number, k: number): WasmKnnIndex | null {
    const module = wasmModule('knn-query', KNN_QUERY_WASM);
    if (!module) return null;
    const memory = new WebAssembly.Memory({ initial: 2 });
    const exp = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
    const lay = new Layout(alignUp(exp.__heap_base.value as number, 16));
    const table = lay.place(4 * 8);
    const rows = tree ? tree.Xs : X.subarray(0, n * p);
    const ints = tree ? [tree.perm, tree.start, tree.end, tree.left, tree.right] : [];
    const boxes = tree ? [tree.lo, tree.hi] : [];
    const rowsAt = lay.place(8 * rows.length);
    const intsAt = ints.map((a) => lay.place(4 * a.length));
    const boxesAt = boxes.map((a) => lay.place(8 * a.length));
    const heapD = lay.place(8 * k);
    const heapI = lay.place(4 * k);
    if (lay.end > MAX_BYTES) return null;
    growTo(memory, lay.end);
    const buf = memory.buffer;
    new Float64Array(buf, rowsAt, rows.length).set(rows);
    for (const [t, a] of ints.entries()) new Int32Array(buf, intsAt[t], a.length).set(a);
    for (const [t, a] of boxes.entries()) new Float64Array(buf, boxesAt[t], a.length).set(a);
    new Int32Array(buf, table, 8).set([rowsAt, ...intsAt, ...boxesAt]);
    const search = tree ? exp.kd_query : exp.brute_query;
    return new WasmKnnIndex(memory, search, tree !== null, table, rowsAt, n, p, k, heapD, heapI, lay.end);
  }

  /** `scratch`: the first free byte, where query chunks and their outputs go. */
  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly fn: Query,
    private readonly isTree: boolean,
    private readonly table: number,
    private readonly rowsAt: number,
    private readonly n: number,
    private readonly p: number,
    private readonly k: number,
    private readonly heapD: number,
    private readonly heapI: number,
    private readonly scratch: number,
  ) {}

  /**
   * The k neighbours of each of the `nq` query rows in `Q` (p values each), sorted by (reduced
   * distance, index), into dist / index at q·k. False (nothing written) when a chunk cannot fit.
   */
  query(Q: Float64Array, nq: number, pw: number, dist: Float64Array, index: Int32Array): boolean {
    const { p, k } = this;
    const chunk = Math.min(nq, Math.max(64, Math.floor(CHUNK_VALUES / p)));
    const lay = new Layout(this.scratch);
    const qAt = lay.place(8 * chunk * p);
    const dAt = lay.place(8 * chunk * k);
    const iAt = lay.place(4 * chunk * k);
    if (lay.end > MAX_BYTES) return false;
    growTo(this.memory, lay.end);
    const buf = this.memory.buffer;
    const qs = new Float64Array(buf, qAt, chunk * p);
    const ds = new Float64Array(buf, dAt, chunk * k);
    const is = new Int32Array(buf, iAt, chunk * k);
    for (let s = 0; s < nq; s += chunk) {
      const rows = Math.min(chunk, nq - s);
      qs.set(Q.subarray(s * p, (s + rows) * p));
      if (this.isTree) this.fn(this.table, p, pw, qAt, rows, k, this.heapD, this.heapI, dAt, iAt);
      else this.fn(this.rowsAt, this.n, p, pw, qAt, rows, k, this.heapD, this.heapI, dAt, iAt);
      dist.set(ds.subarray(0, rows * k), s * k);
      index.set(is.subarray(0, rows * k), s * k);
    }
    return true;
  }
}
