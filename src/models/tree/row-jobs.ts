/**
 * Row-range work of a gbdt iteration that two threads split between them (parallel-histogram.ts):
 * one part of a node's row partition, and the training predictions' update from a tree's leaves.
 * Both threads run these same functions (or their WebAssembly twins in wasm/histogram.c) on
 * disjoint row ranges, and every result is independent of where the range is cut: the partition
 * parts are joined into the one stable partition, and each row's prediction gets one addition.
 */
import type { SharedBuffers } from './histogram-buffers.js';
import type { HistogramKernel } from './histogram-kernel.js';

/**
 * Stable partition of rows[start..end) by `lut[col[row]]`: the left rows compacted in place from
 * `start`, the right rows written to tmp[start..] in order. Returns the count of left rows.
 */
export function partitionPart(
  rows: Uint32Array,
  start: number,
  end: number,
  col: Uint8Array,
  lut: Uint8Array,
  tmp: Uint32Array,
): number {
  let nl = start;
  let nr = start;
  // Branch-free: the direction of a row is unpredictable, so write it to both sides and advance one.
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const l = lut[col[r]];
    rows[nl] = r;
    tmp[nr] = r;
    nl += l;
    nr += 1 - l;
  }
  return nl - start;
}

/**
 * Join two parts made by `partitionPart` on [start, mid) and [mid, end) with `nl0` / `nl1` left
 * rows into the stable partition of [start, end); returns its boundary.
 */
export function joinParts(
  rows: Uint32Array,
  tmp: Uint32Array,
  start: number,
  mid: number,
  end: number,
  nl0: number,
  nl1: number,
): number {
  const b = start + nl0 + nl1;
  rows.copyWithin(start + nl0, mid, mid + nl1);
  const nr0 = mid - start - nl0;
  rows.set(tmp.subarray(start, start + nr0), b);
  rows.set(tmp.subarray(mid, end - nl1), b + nr0);
  return b;
}

/**
 * `raw[rows[q]] += value[k]` for the positions q in [from, to) of every leaf k (leaf k holds the
 * positions `span[2k] .. span[2k + 1]`). With `y`, also the squared loss's next gradient
 * `grad[row] = raw[row] − y[row]` (losses.ts), while the row is in cache, and `rows[q] = q` again
 * (the next tree's rows: all, in order; a position is read only by the thread that resets it).
 */
export function addLeafValues(
  raw: Float64Array,
  rows: Uint32Array,
  span: Int32Array,
  value: Float64Array,
  nLeaves: number,
  from: number,
  to: number,
  grad: Float64Array | null = null,
  y: Float64Array | null = null,
): void {
  for (let k = 0; k < nLeaves; k++) {
    const lo = Math.max(from, span[2 * k]);
    const hi = Math.min(to, span[2 * k + 1]);
    const v = value[k];
    if (grad && y) {
      for (let q = lo; q < hi; q++) {
        const r = rows[q];
        rows[q] = q;
        const x = raw[r] + v;
        raw[r] = x;
        grad[r] = x - y[r];
      }
    } else for (let q = lo; q < hi; q++) raw[rows[q]] += v;
  }
}

/** Job kinds of the row jobs (the histogram jobs are 1 and 2, exit 3). */
export const PARTITION_JOB = 4;
export const LEAVES_JOB = 5;

/**
 * Run a row job on the shared buffers: a partition part of feature `arg`'s column (returns the
 * left count), or the leaf update of `arg` leaves over positions [start, end) (returns 0), which
 * with `flag` = 1 also refreshes the squared loss's gradients from `buf.y`.
 */
export function runRowJob(
  buf: SharedBuffers,
  kernel: HistogramKernel | null,
  nRows: number,
  kind: number,
  start: number,
  end: number,
  arg: number,
  flag: number,
): number {
  if (kind === PARTITION_JOB) {
    const col = buf.bins.subarray(arg * nRows, (arg + 1) * nRows);
    return kernel
      ? kernel.partitionPart(buf.rows, start, end, col, buf.lut, buf.tmp)
      : partitionPart(buf.rows, start, end, col, buf.lut, buf.tmp);
  }
  const y = flag === 1 ? buf.y : null;
  if (kernel) kernel.addLeaves(buf.raw, buf.rows, buf.leafSpan, buf.leafValue, arg, start, end, buf.grad, y);
  else addLeafValues(buf.raw, buf.rows, buf.leafSpan, buf.leafValue, arg, start, end, buf.grad, y);
  return 0;
}
