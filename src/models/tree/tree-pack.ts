/**
 * Trees packed for the kernel of wasm/tree-predict.c (16 bytes per node: a split word — the
 * feature, bit 30 set when missing values go left, −1 for a leaf —, the threshold of a split or
 * the value of a leaf, and the left child; `right` only when some right child is not left + 1,
 * the category arrays only when the tree has categorical splits), and the kernel's instance.
 */
import { alignUp, WASM_PAGE, wasmModule } from '../../core/wasm.js';
import type { TreeArrays } from './predictor.js';
import { TREE_PREDICT_WASM } from './tree-predict-wasm.js';

/** u32 words per tree in the kernel's table: the byte offsets of its six arrays (0 = absent). */
export const TREE_WORDS = 6;
/** wasm32 addresses 4 GiB; stay well below it (bigger work keeps the TypeScript path). */
export const MAX_BYTES = 2 ** 31;

/** The kernel's exports and its memory; `table` is the first free byte (above its stack). */
export interface TreeKernel {
  predict_trees(
    table: number,
    nTrees: number,
    X: number,
    rows: number,
    cols: number,
    out: number,
    scale: number,
  ): void;
  readonly memory: WebAssembly.Memory;
  readonly table: number;
}

/** A new instance of the tree kernel over its own memory; null when this runtime cannot run it. */
export function instantiateTreeKernel(): TreeKernel | null {
  // Shared (the module imports a shared memory of at most MAX_BYTES), so the predict thread can
  // run the same kernel on the same trees and rows; the module asks for its stack (64 KiB) below
  // __heap_base: 2 pages at least.
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_BYTES / WASM_PAGE, shared: true });
  return treeKernelOn(memory);
}

/** An instance of the tree kernel over `memory` (shared: another thread's bank); null when no kernel. */
export function treeKernelOn(memory: WebAssembly.Memory): TreeKernel | null {
  const module = wasmModule('tree-predict', TREE_PREDICT_WASM);
  if (!module) return null;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exp = instance.exports as unknown as {
    predict_trees: TreeKernel['predict_trees'];
    __heap_base: WebAssembly.Global;
  };
  return { predict_trees: exp.predict_trees, memory, table: alignUp(exp.__heap_base.value as number, 16) };
}

/** Grow `memory` to hold at least `bytes` (growing keeps every byte where it is). */
export function growTo(memory: WebAssembly.Memory, bytes: number): void {
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
 * Where every tree's packed arrays go, from byte `from` on (8-aligned), after a table of
 * TREE_WORDS offsets per tree at `table`; an optional array that is absent keeps offset 0.
 */
export function planTrees(
  trees: readonly TreeArrays[],
  table: number,
  from: number,
): { at: Uint32Array; end: number } {
  const at = new Uint32Array(TREE_WORDS * trees.length);
  if (from < table + 4 * at.length) throw new RangeError('planTrees: arrays overlap the table');
  let p = alignUp(from, 8);
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
export function writeTrees(
  buf: ArrayBuffer,
  trees: readonly TreeArrays[],
  at: Uint32Array,
  table: number,
): void {
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
