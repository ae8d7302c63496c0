/**
 * What a thread keeps across the runs of one fit: the grower and the arrays its trees grow on.
 * From a few thousand row × feature cells those arrays (bins, gradients, hessians, row index,
 * histogram slots) live in the memory of the WebAssembly histogram kernel (wasm/histogram.c),
 * which then builds the histograms of large nodes and partitions rows: the same additions in
 * the same order as the TypeScript loops, so the same trees. No helper thread: a forest keeps
 * both cores busy with whole trees already.
 */
import type { BinMapper, BinnedData } from '../tree/binning.js';
import { TreeGrower } from '../tree/grower.js';
import { HistogramHelper, histogramKernel } from '../tree/parallel-histogram.js';

/**
 * Histogram slots in the kernel's memory. Depth-first growth keeps about two histograms per level
 * of large nodes alive; a node beyond the cap builds its histogram in TypeScript (same sums).
 */
const SLOTS = 64;

/** A thread's grower for one fit and the per-tree arrays it grows from (reused tree after tree). */
export interface Workspace {
  readonly grower: TreeGrower;
  /** Per-row gradients and hessians a tree is grown from (rewritten for every tree). */
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  /** The row index a tree is grown on (the grower permutes it). */
  readonly rows: Uint32Array;
  /** The kernel's arrays and instance (kept alive with the grower), or null (TypeScript loops on plain arrays). */
  readonly helper: HistogramHelper | null;
}

/** A workspace over `binned` (shared bins), with the histogram kernel when the data size calls for it. */
export async function createWorkspace(mapper: BinMapper, binned: BinnedData): Promise<Workspace> {
  const n = binned.nRows;
  const p = binned.nFeatures;
  const helper = histogramKernel(n, p)
    ? await HistogramHelper.start(binned, mapper.offsets, 3 * mapper.offsets[p], SLOTS, {
        thread: false,
      }).catch(() => null)
    : null;
  // Without a kernel instance the shared block would only be a copy of the bins: keep the plain arrays.
  if (helper?.kernel) {
    const { buf } = helper;
    return {
      grower: new TreeGrower(mapper, helper.sharedData(binned), helper),
      grad: buf.grad,
      hess: buf.hess,
      rows: buf.rows,
      helper,
    };
  }
  return {
    grower: new TreeGrower(mapper, binned),
    grad: new Float64Array(n),
    hess: new Float64Array(n),
    rows: new Uint32Array(n),
    helper: null,
  };
}
