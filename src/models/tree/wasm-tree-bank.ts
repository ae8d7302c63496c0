/**
 * A fitted model's trees packed once into WebAssembly memory (16 bytes per node: split word,
 * threshold-or-value, left child), for batch prediction by the kernel of wasm/tree-predict.c: same traversal, same additions in the same order as
 * `addTreePredictions`, so the predictions are bit for bit those of the TypeScript path — only
 * faster. Rows are copied in chunks after the trees; the memory grows to the largest chunk seen.
 */
import type { Matrix } from '../../core/matrix.js';
import { alignUp, WASM_PAGE, wasmModule } from '../../core/wasm.js';
import type { TreeArrays } from './predictor.js';
import { TREE_PREDICT_WASM } from './tree-predict-wasm.js';

/** u32 words per tree in the kernel's table: the byte offsets of its six arrays (0 = absent). */
const TREE_WORDS = 6;
/** Values of one row chunk: 2M doubles (16 MiB), at least 256 rows. */
const CHUNK_VALUES = 1 << 21;
/** wasm32 addresses 4 GiB; stay well below it (a bigger model keeps the TypeScript path). */
const MAX_BYTES = 2 ** 31;

interface Exports {
  predict_trees(
    table: number,
    nTrees: number,
    X: number,
    rows: number,
    cols: number,
    out: number,
    scale: number,
  ): void;
  __heap_base: WebAssembly.Global;
}

export class WasmTreeBank {
  private readonly memory: WebAssembly.Memory;
  private readonly fn: Exports['predict_trees'];
  private readonly nTrees: number;
  private readonly table: number;
  private readonly cols: number;
  /** First byte after the trees: the row chunk and its outputs go here. */
  private readonly scratch: number;

  /** The trees in a new bank for rows of `cols` features; null when no kernel can hold them. */
  static create(trees: readonly TreeArrays[], cols: number): WasmTreeBank | null {
    const module = wasmModule('tree-predict', TREE_PREDICT_WASM);
    if (!module || trees.length === 0 || cols === 0) return null;
    // The module asks for its stack (64 KiB) below __heap_base: 2 pages at least.
    const memory = new WebAssembly.Memory({ initial: 2 });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exp = instance.exports as unknown as Exports;
    const table = alignUp(exp.__heap_base.value as number, 16);
    const { at, end } = planTrees(trees, table);
    if (end > MAX_BYTES) return null;
    growTo(memory, end);
    writeTrees(memory.buffer, trees, at, table);
    return new WasmTreeBank(memory, exp.predict_trees, trees.length, table, cols, end);
  }

  private constructor(
    memory: WebAssembly.Memory,
    fn: Exports['predict_trees'],
    nTrees: number,
    table: number,
    cols: number,
    scratch: number,
  ) {
    this.memory = memory;
    this.fn = fn;
    this.nTrees = nTrees;
    this.table = table;
    this.cols = cols;
    this.scratch = scratch;
  }

  /** Columns of the rows this bank predicts. */
  get nCols(): number {
    return this.cols;
  }

  /**
   * `out[i] += scale * Σ_t tree_t(X[i])`, trees in order: what `addTreePredictions` adds tree by
   * tree. False (nothing added) when the rows cannot fit in WebAssembly memory.
   */
  addPredictions(X: Matrix, out: Float64Array, scale: number): boolean {
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
    for (let start = 0; start < X.rows; start += chunk) {
      const rows = Math.min(chunk, X.rows - start);
      xs.set(X.data.subarray(start * this.cols, (start + rows) * this.cols));
      os.set(out.subarray(start, start + rows));
      this.fn(this.table, this.nTrees, xAt, rows, this.cols, outAt, scale);
      out.set(os.subarray(0, rows), start);
    }
    return true;
  }
}

function growTo(memory: WebAssembly.Memory, bytes: number): void {
  const pages = Math.ceil(bytes / WASM_PAGE) - memory.buffer.byteLength / WASM_PAGE;
  if (pages > 0) memory.grow(pages);
}

/** Bit 30 of a packed split word: missing values go left (features stay below 2^30). */
const MISSING_LEFT = 0x40000000;

/** Whether every right child is its left sibling + 1 (trees grown here); then `right` is not stored. */
function rightIsNext(t: TreeArrays): boolean {
  for (let i = 0; i < t.feature.length; i++)
    if (t.feature[i] >= 0 && t.right[i] !== t.left[i] + 1) return false;
  return true;
}

function hasCategories(t: TreeArrays): boolean {
  for (let i = 0; i < t.catStart.length; i++) if (t.catStart[i] >= 0) return true;
  return false;
}

/**
 * Where every tree's arrays go: the table at `table`, then each tree's packed arrays (8-aligned);
 * an optional array that is absent keeps offset 0.
 */
function planTrees(trees: readonly TreeArrays[], table: number): { at: Uint32Array; end: number } {
  const at = new Uint32Array(TREE_WORDS * trees.length);
  let p = alignUp(table + 4 * at.length, 8);
  const place = (bytes: number): number => {
    const o = p;
    p = alignUp(p + bytes, 8);
    return o;
  };
  trees.forEach((t, k) => {
    const n = t.feature.length;
    const w = TREE_WORDS * k;
    at[w] = place(4 * n);
    at[w + 1] = place(8 * n);
    at[w + 2] = place(4 * n);
    if (!rightIsNext(t)) at[w + 3] = place(4 * n);
    if (hasCategories(t)) {
      at[w + 4] = place(4 * n);
      at[w + 5] = place(4 * t.catBits.length);
    }
  });
  return { at, end: p };
}

/** Pack each tree: split words (feature | missing-left bit, −1 for leaves), thresholds/values, children. */
function writeTrees(buf: ArrayBuffer, trees: readonly TreeArrays[], at: Uint32Array, table: number): void {
  new Uint32Array(buf, table, at.length).set(at);
  trees.forEach((t, k) => {
    const n = t.feature.length;
    const w = TREE_WORDS * k;
    const word = new Int32Array(buf, at[w], n);
    const tv = new Float64Array(buf, at[w + 1], n);
    for (let i = 0; i < n; i++) {
      const f = t.feature[i];
      if (f < 0) {
        word[i] = -1;
        tv[i] = t.value[i];
      } else {
        if (f >= MISSING_LEFT) throw new RangeError(`tree bank: feature index ${f} too large`);
        word[i] = t.missingLeft[i] === 1 ? f | MISSING_LEFT : f;
        tv[i] = t.threshold[i];
      }
    }
    new Int32Array(buf, at[w + 2], n).set(t.left);
    if (at[w + 3]) new Int32Array(buf, at[w + 3], n).set(t.right);
    if (at[w + 4]) {
      new Int32Array(buf, at[w + 4], n).set(t.catStart);
      new Uint32Array(buf, at[w + 5], t.catBits.length).set(t.catBits);
    }
  });
}
