/**
 * Rows that stay in WebAssembly memory while trees are added one at a time: boosting's
 * validation rows, whose raw predictions grow by one tree per iteration. The rows are copied
 * once; each new tree is packed (a few dozen nodes) and run over all of them by the kernel of
 * wasm/tree-predict.c — the same additions, in the same order, as `addTreePredictions`.
 */
import type { Matrix } from '../../core/matrix.js';
import { alignUp } from '../../core/wasm.js';
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

export class WasmResidentRows {
  /** `X` copied into a kernel's memory with predictions starting at `init`; null when no kernel. */
  static create(X: Matrix, init: number): WasmResidentRows | null {
    const k = X.rows > 0 && X.cols > 0 ? instantiateTreeKernel() : null;
    if (!k) return null;
    const xAt = alignUp(k.table + 4 * TREE_WORDS, 8);
    const outAt = xAt + 8 * X.data.length;
    const treeAt = outAt + 8 * X.rows;
    if (treeAt > MAX_BYTES) return null;
    growTo(k.memory, treeAt);
    new Float64Array(k.memory.buffer, xAt, X.data.length).set(X.data);
    new Float64Array(k.memory.buffer, outAt, X.rows).fill(init);
    return new WasmResidentRows(k, X.rows, X.cols, xAt, outAt, treeAt);
  }

  /** `treeAt`: the first byte for the current tree's arrays. */
  private constructor(
    private readonly k: TreeKernel,
    private readonly rows: number,
    private readonly cols: number,
    private readonly xAt: number,
    private readonly outAt: number,
    private readonly treeAt: number,
  ) {}

  /** The predictions so far: a view into the kernel's memory, valid until the next `addTree`. */
  get out(): Float64Array {
    return new Float64Array(this.k.memory.buffer, this.outAt, this.rows);
  }

  /** `out[i] += scale * tree(X[i])` for every row. */
  addTree(tree: TreeArrays, scale: number): void {
    const { at, end } = planTrees([tree], this.k.table, this.treeAt);
    if (end > MAX_BYTES) throw new RangeError('resident rows: the tree does not fit in WebAssembly memory');
    growTo(this.k.memory, end);
    writeTrees(this.k.memory.buffer, [tree], at, this.k.table);
    this.k.predict_trees(this.k.table, 1, this.xAt, this.rows, this.cols, this.outAt, scale);
  }
}
