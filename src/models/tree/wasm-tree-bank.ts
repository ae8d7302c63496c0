/**
 * A fitted model's trees packed once into WebAssembly memory (tree-pack.ts: 16 bytes per node),
 * for batch prediction by the kernel of wasm/tree-predict.c: same traversal, same additions in
 * the same order as `addTreePredictions`, so the predictions are bit for bit those of the
 * TypeScript path — only faster. Rows are copied in chunks after the trees; the memory grows to the largest chunk seen.
 */
import type { Matrix } from '../../core/matrix.js';
import { alignUp } from '../../core/wasm.js';
import type { PredictThread } from './predict-thread.js';
import type { TreeArrays } from './predictor.js';
import {
  growTo,
  instantiateTreeKernel,
  MAX_BYTES,
  planTrees,
  TREE_WORDS,
  type TreeKernel,
  writeTrees,
} from './tree-pack.js';

/** Values of one row chunk: 256k doubles (2 MiB, kept by the bank), at least 256 rows. */
const CHUNK_VALUES = 1 << 18;

export class WasmTreeBank {
  /** The trees in a new bank for rows of `cols` features; null when no kernel can hold them. */
  static create(trees: readonly TreeArrays[], cols: number): WasmTreeBank | null {
    const k = trees.length > 0 && cols > 0 ? instantiateTreeKernel() : null;
    if (!k) return null;
    const { at, end } = planTrees(trees, k.table, k.table + 4 * TREE_WORDS * trees.length);
    if (end > MAX_BYTES) return null;
    growTo(k.memory, end);
    writeTrees(k.memory.buffer, trees, at, k.table);
    return new WasmTreeBank(k.memory, k.predict_trees, trees.length, k.table, cols, end);
  }

  /** `scratch`: the first byte after the trees, where the row chunk and its outputs go. */
  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly fn: TreeKernel['predict_trees'],
    private readonly nTrees: number,
    private readonly table: number,
    private readonly cols: number,
    private readonly scratch: number,
  ) {}

  /** Columns of the rows this bank predicts. */
  get nCols(): number {
    return this.cols;
  }

  /**
   * `out[i] += scale * Σ_t tree_t(X[i])`, trees in order: what `addTreePredictions` adds tree by
   * tree. With a ready `thread`, each chunk's rows are shared with it (the same bits). False
   * (nothing added) when the rows cannot fit in WebAssembly memory.
   */
  addPredictions(X: Matrix, out: Float64Array, scale: number, thread: PredictThread | null = null): boolean {
    if (X.cols !== this.cols) throw new RangeError(`tree bank: ${X.cols} columns, built for ${this.cols}`);
    const chunk = Math.min(X.rows, Math.max(256, Math.floor(CHUNK_VALUES / this.cols)));
    const xAt = this.scratch;
    const outAt = alignUp(xAt + 8 * chunk * this.cols, 8);
    const end = outAt + 8 * chunk;
    if (end > MAX_BYTES) return false;
    // Growing keeps the trees where they are; only the ArrayBuffer object is replaced.
    growTo(this.memory, end);
    const buf = this.memory.buffer;
    const xs = new Float64Array(buf, xAt, chunk * this.cols);
    const os = new Float64Array(buf, outAt, chunk);
    const job = { table: this.table, nTrees: this.nTrees, xAt, rows: 0, cols: this.cols, outAt, scale };
    for (let start = 0; start < X.rows; start += chunk) {
      const rows = Math.min(chunk, X.rows - start);
      xs.set(X.data.subarray(start * this.cols, (start + rows) * this.cols));
      os.set(out.subarray(start, start + rows));
      job.rows = rows;
      // A failed thread leaves partial sums: start the chunk again from `out`, alone.
      const both = thread?.ready === true;
      if (!both || !thread?.run(this.fn, this.memory, job)) {
        if (both) os.set(out.subarray(start, start + rows));
        this.fn(this.table, this.nTrees, xAt, rows, this.cols, outAt, scale);
      }
      out.set(os.subarray(0, rows), start);
    }
    return true;
  }
}
