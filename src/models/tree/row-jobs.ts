/**
 * Row-range work of a gbdt iteration that two threads share (parallel-histogram.ts), in chunks
 * each thread takes in turn (histogram-chunks.ts): parts of a node's row partition, and the
 * training predictions' update from a tree's leaves. Both threads run these same functions (or
 * their WebAssembly twins in wasm/histogram.c) on disjoint row ranges, and every result is
 * independent of where the range is cut: the partition parts are joined into the one stable
 * partition, and each row's prediction gets one addition.
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
 * Join the parts made by `partitionPart` on the chunks [start + i·len, start + (i+1)·len) ∩
 * [start, end), i < count, whose left counts are `lefts[i]`, into the stable partition of
 * [start, end): the left rows of every chunk in order, then the right rows (from `tmp`). Returns
 * the boundary.
 */
export function joinParts(
  rows: Uint32Array,
  tmp: Uint32Array,
  start: number,
  end: number,
  len: number,
  lefts: Int32Array,
  count: number,
): number {
  let at = start + lefts[0];
  // Left parts move down (never past their own start, so copyWithin's overlap is safe).
  for (let i = 1; i < count; i++) {
    const s = start + i * len;
    rows.copyWithin(at, s, s + lefts[i]);
    at += lefts[i];
  }
  const boundary = at;
  for (let i = 0; i < count; i++) {
    const s = start + i * len;
    const e = Math.min(end, s + len);
    rows.set(tmp.subarray(s, e - lefts[i]), at);
    at += e - s - lefts[i];
  }
  return boundary;
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
 * Chunk `i` (positions [start + i·len, …) ∩ [start, end)) of a row job on the shared buffers: a
 * partition part of feature `arg`'s column (its left count goes to `buf.parts[i]`), or the leaf
 * update of `arg` leaves, which with `flag` = 1 also refreshes the squared loss's gradients from
 * `buf.y` and resets the rows.
 */
export function runRowChunk(
  buf: SharedBuffers,
  kernel: HistogramKernel | null,
  nRows: number,
  kind: number,
  start: number,
  end: number,
  len: number,
  i: number,
  arg: number,
  flag: number,
): void {
  const from = start + i * len;
  const to = Math.min(end, from + len);
  if (kind === PARTITION_JOB) {
    const col = buf.bins.subarray(arg * nRows, (arg + 1) * nRows);
    buf.parts[i] = kernel
      ? kernel.partitionPart(buf.rows, from, to, col, buf.lut, buf.tmp)
      : partitionPart(buf.rows, from, to, col, buf.lut, buf.tmp);
    return;
  }
  const y = flag === 1 ? buf.y : null;
  if (kernel) kernel.addLeaves(buf.raw, buf.rows, buf.leafSpan, buf.leafValue, arg, from, to, buf.grad, y);
  else addLeafValues(buf.raw, buf.rows, buf.leafSpan, buf.leafValue, arg, from, to, buf.grad, y);
}
