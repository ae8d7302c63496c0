/**
 * Predictions of a fitted model's trees over a batch of rows: the WebAssembly kernel for batches
 * (its bank of the trees built on the first one), the TypeScript loop for a few rows, so a
 * single-row request pays nothing new. Both paths give the same bits.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Matrix } from '../../core/matrix.js';
import { processLoad } from '../../core/process-load.js';
import { useKernel } from '../../core/wasm.js';
import {
  MIN_THREAD_WORK,
  ownLoad,
  type PredictThread,
  predictThread,
  wantsSecondThread,
} from './predict-thread.js';
import { addTreesPredictions, type TreeArrays } from './predictor.js';
import { WasmTreeBank } from './wasm-tree-bank.js';

/**
 * Rows × trees from which a batch goes to the kernel: below it (e.g. one row through 100 trees)
 * the call and the copy of the rows cost more than they save.
 */
const MIN_KERNEL_WORK = 4096;

/**
 * Models with more nodes keep the TypeScript path: the bank is a packed copy (16 bytes a node)
 * that lives as long as the model, and a run holds several fully grown forests at once (a
 * default diamonds run peaked 235 MB higher with 5M-node forests banked). 2^20 nodes = 16 MiB;
 * every boosting model and forests of shallower trees stay well below.
 */
const MAX_KERNEL_NODES = 1 << 20;

/**
 * The predict thread for `work` rows × trees, or null for one thread. TABFLOW_PREDICT_THREADS=1
 * or 2 forces the choice whatever the size and load (tests); otherwise `wantsSecondThread`.
 */
function twoThreads(work: number): PredictThread | null {
  const forced = process.env.TABFLOW_PREDICT_THREADS;
  if (forced === '1') return null;
  if (forced !== '2') {
    // Below the size nothing else is read (the loads cost a system call each: importance asks
    // for every small batch). Our own threads (a fit that just ran on both cores) are part of
    // the load average too.
    if (work < MIN_THREAD_WORK) return null;
    const own = Math.max(ownLoad(), processLoad());
    if (!wantsSecondThread(work, loadavg()[0], availableParallelism(), own)) return null;
  }
  return predictThread();
}

export class TreeBatchPredictor {
  private readonly trees: readonly TreeArrays[];
  /** Built on the first batch; null once the kernel is known to be unavailable. */
  private bank: WasmTreeBank | null | undefined;

  constructor(trees: readonly TreeArrays[]) {
    this.trees = trees;
    let nodes = 0;
    for (const t of trees) nodes += t.feature.length;
    if (nodes > MAX_KERNEL_NODES) this.bank = null;
  }

  /** `out[i] += scale * Σ trees(X[i])`, tree by tree in order (`addTreePredictions` for each). */
  addPredictions(X: Matrix, out: Float64Array, scale = 1): void {
    if (useKernel(X.rows * this.trees.length, MIN_KERNEL_WORK) && X.rows > 0) {
      if (this.bank === undefined || (this.bank !== null && this.bank.nCols !== X.cols)) {
        this.bank = WasmTreeBank.create(this.trees, X.cols);
      }
      if (this.bank?.addPredictions(X, out, scale, twoThreads(X.rows * this.trees.length))) return;
    }
    addTreesPredictions(this.trees, X, out, scale);
  }
}
