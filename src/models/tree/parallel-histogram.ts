/**
 * A second thread for histogram building on large data (feature-parallel, as LightGBM's
 * feature-parallel learner within one machine): the main thread builds the first half of a
 * node's features, one worker the second half, into the same shared histogram. Every feature is
 * built by the same code whichever thread runs it, so trees are identical with and without it.
 *
 * The same thread also takes half of the row jobs of row-jobs.ts: the partition of a large node's
 * rows, and the update of the training predictions from a tree's leaves.
 *
 * Shared memory (histogram-buffers.ts): bins, gradients/hessians, the row index, the gathered
 * (ordered) gradients and an arena of histogram slots in one block — a shared WebAssembly memory
 * when the kernel of wasm/histogram.c builds the histograms on both threads; one Int32Array carries
 * the job and two sequence numbers (posted / done) that the threads wait on with Atomics.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelError } from '../../core/errors.js';
import { useKernel } from '../../core/wasm.js';
import { workerScript } from '../../core/worker-entry.js';
import type { BinnedData } from './binning.js';
import {
  CTRL_SLOTS,
  MAX_WASM_BYTES,
  planBuffers,
  type SharedBuffers,
  sharedMemory,
  viewBuffers,
} from './histogram-buffers.js';
import { awaitChunks, CHUNK, finishChunk, MAX_CHUNKS, openChunks, takeChunk } from './histogram-chunks.js';
import { HistogramKernel, histogramKernelBase } from './histogram-kernel.js';
import { joinParts, LEAVES_JOB, PARTITION_JOB, runRowChunk } from './row-jobs.js';

/** Control block layout (Int32 slots). */
export const C = {
  posted: 0,
  // 1 = root (all rows, natural order), 2 = node rows[start..end), 3 = exit, 4 / 5 = row jobs
  kind: 2,
  start: 3,
  end: 4,
  histOffset: 5, // element offset of the target histogram in the arena
  featTo: 7, // features in the histogram job
  hasHess: 8,
  failed: 9, // set by the worker when a job threw
  arg: 11, // row jobs: the partition's feature, or the tree's leaf count
  direct: 13, // node jobs: 1 = read gradients through the rows (posted before the gather)
  flag: 18, // leaf jobs: 1 = refresh the squared loss's gradients too
  size: CTRL_SLOTS,
} as const;

/**
 * Use a helper thread only when a root histogram has at least this many (row, feature) cells.
 * Re-checked with the chunked jobs (2026-12-08, load 7, 100 iterations, main-thread CPU): 0.7M
 * and 1M cells gained (0.40 vs 0.51 s, 0.50 vs 0.67 s), 0.4M did not (0.30 vs 0.33 s, and a slower
 * wall: starting the worker costs more than it saves); it was 2M when the helper only built half
 * of the large histograms.
 */
export const PARALLEL_MIN_CELLS = 1_000_000;

/**
 * Run the histogram kernel (TABFLOW_KERNELS=auto) from this many (row, feature) cells: below it
 * setting up the shared memory costs more than the faster loops save. It already paid on concrete
 * (703 × 8 = 5.6k cells: 0.064 → 0.046 CPU s per fit; bench/gbdt.md).
 */
export const KERNEL_MIN_CELLS = 2_000;

/**
 * Split a row job between the threads from this many rows. A hand-off costs a wake-up of the
 * helper (~20–50 µs on an idle core); partitioning 64k rows takes ~0.3 ms.
 */
export const ROW_JOB_MIN_ROWS = 65_536;
/** Rows per chunk of a shared partition (each chunk's part is moved once more by the join). */
const PARTITION_CHUNK_ROWS = 32_768;
/** Positions per chunk of a shared leaf update. */
const LEAF_CHUNK_ROWS = 65_536;

/** How many threads a fit may use for histograms (1 = none) given its size. */
export function histogramThreads(nRows: number, nFeatures: number, threads?: number): number {
  const t = threads ?? availableParallelism();
  return t >= 2 && nRows * nFeatures >= PARALLEL_MIN_CELLS ? 2 : 1;
}

/** Whether a fit on nRows × nFeatures builds its histograms with the WebAssembly kernel. */
export function histogramKernel(nRows: number, nFeatures: number): boolean {
  return useKernel(nRows * nFeatures, KERNEL_MIN_CELLS);
}

/**
 * Start the helper thread early: it loads its modules (tens to hundreds of ms) while the caller
 * bins the data, then gets its shared memory from `HistogramHelper.start(..., { booted })`. The
 * caller must terminate it when start() is never called or rejects.
 */
export function bootHelperThread(): Worker {
  const [url, opts] = workerScript(import.meta.url, 'histogram-worker');
  // Referenced until start() has its 'ready' (an unref'd worker would let a script whose only
  // pending work is the fit exit while waiting); start() unrefs it.
  return new Worker(url, opts);
}

/**
 * The grower's arrays in shared memory (histogram-buffers.ts), with the WebAssembly kernel on them
 * and/or a worker thread that builds half of each large histogram.
 */
export class HistogramHelper {
  readonly buf: SharedBuffers;
  readonly slotSize: number;
  readonly slots: number;
  /** The kernel on `buf` for this (the main) thread; null = the TypeScript loops. */
  readonly kernel: HistogramKernel | null;
  private readonly worker: Worker | null;
  private seq = 0;
  private closed = false;
  /** Take over jobs the worker has not started (tests turn it off to exercise the worker). */
  steal = true;
  /** Row jobs of at least this many rows are split with the worker (tests lower it). */
  minRowJob = ROW_JOB_MIN_ROWS;

  private constructor(
    buf: SharedBuffers,
    slotSize: number,
    slots: number,
    kernel: HistogramKernel | null,
    worker: Worker | null,
  ) {
    this.buf = buf;
    this.slotSize = slotSize;
    this.slots = slots;
    this.kernel = kernel;
    this.worker = worker;
  }

  /**
   * Shared memory for binned data (copied in) with `slots` histogram slots of `slotSize` doubles,
   * `offsets` = the bin mapper's histogram offsets. `thread`: start the worker (default true);
   * `kernel`: put the arrays in WebAssembly memory and build with the kernel (default: by size).
   */
  static async start(
    data: BinnedData,
    offsets: Int32Array,
    slotSize: number,
    slots: number,
    {
      thread = true,
      kernel = histogramKernel(data.nRows, data.nFeatures),
      booted = null as Worker | null,
    } = {},
  ): Promise<HistogramHelper> {
    const n = data.nRows;
    const p = data.nFeatures;
    const base = kernel ? histogramKernelBase() : null;
    const layout = planBuffers(n, p, slotSize, slots, base ?? 0);
    const memory = base !== null && layout.bytes <= MAX_WASM_BYTES ? sharedMemory(layout.bytes) : null;
    const sab = memory ? memory.buffer : new SharedArrayBuffer(layout.bytes);
    const buf = viewBuffers(sab, layout);
    buf.bins.set(data.bins);
    buf.offsets.set(offsets);
    const k = memory ? HistogramKernel.create(memory) : null;
    if (!thread) {
      void booted?.terminate();
      return new HistogramHelper(buf, slotSize, slots, k, null);
    }
    const worker = booted ?? bootHelperThread();
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.postMessage({
          layout,
          nRows: n,
          nFeatures: p,
          memory: k ? memory : null,
          sab: k ? null : sab,
        });
      });
    } catch (err) {
      void worker.terminate();
      throw err;
    }
    worker.unref();
    return new HistogramHelper(buf, slotSize, slots, k, worker);
  }

  /** Whether a worker thread shares the histograms (else `post` must not be called). */
  get threaded(): boolean {
    return this.worker !== null;
  }

  /** Jobs posted so far. */
  get jobs(): number {
    return this.seq;
  }

  /** Binned data whose bins live in shared memory (for the grower on the main thread). */
  sharedData(data: BinnedData): BinnedData {
    return { nRows: data.nRows, nFeatures: data.nFeatures, bins: this.buf.bins };
  }

  /** The arena slot `k` as a histogram buffer. */
  slot(k: number): Float64Array {
    return this.buf.arena.subarray(k * this.slotSize, (k + 1) * this.slotSize);
  }

  /** Element offset of `hist` in the arena, or -1 when it is not an arena slot. */
  offsetOf(hist: Float64Array): number {
    const arena = this.buf.arena;
    const at = (hist.byteOffset - arena.byteOffset) / 8;
    return hist.buffer === arena.buffer && at >= 0 && at < arena.length ? at : -1;
  }

  /**
   * Post a histogram job over feats[0..nf) (feature list already in buf.feats) in chunks of
   * `width` features that both threads take (histogram-chunks.ts); the main thread then runs its
   * share with `runChunks`. `direct` (kernel only): the worker reads gradients through the rows,
   * so the job may be posted before the main thread gathers them into og / oh.
   */
  postChunks(
    kind: 1 | 2,
    histOffset: number,
    start: number,
    end: number,
    nf: number,
    width: number,
    hasHess: boolean,
    hConst: number,
    direct = false,
  ): void {
    const c = this.buf.ctrl;
    c[C.kind] = kind;
    c[C.start] = start;
    c[C.end] = end;
    c[C.histOffset] = histOffset;
    c[C.featTo] = nf;
    c[C.hasHess] = hasHess ? 1 : 0;
    c[C.direct] = direct ? 1 : 0;
    this.buf.ctrlF[0] = hConst;
    openChunks(c, this.seq + 1, width, Math.ceil(nf / width));
    this.publish();
  }

  /**
   * The main thread's share of the posted job: `run(i)` for each chunk i it takes (none when
   * `steal` is off: the worker runs them all), then wait for the worker's.
   */
  runChunks(run: (chunk: number) => void): void {
    const c = this.buf.ctrl;
    const count = c[CHUNK.count];
    if (this.steal) {
      for (let i = takeChunk(c, this.seq, count); i >= 0; i = takeChunk(c, this.seq, count)) {
        run(i);
        finishChunk(c, count);
      }
    }
    awaitChunks(c, this.seq, count);
    if (c[C.failed])
      throw new ModelError('histogram_thread', 'the histogram helper thread failed; refit with threads: 1');
  }

  private publish(): void {
    const c = this.buf.ctrl;
    this.seq++;
    Atomics.store(c, C.posted, this.seq);
    Atomics.notify(c, C.posted);
  }

  /** Whether a row job over `rows` rows is worth splitting with the worker. */
  splits(rows: number): boolean {
    return this.worker !== null && rows >= this.minRowJob;
  }

  /**
   * The stable partition of rows[start..end) by `buf.lut` over feature `feature`'s bins: both
   * threads partition chunks of the range (row-jobs.ts), then the parts are joined; returns the
   * boundary.
   */
  partition(start: number, end: number, feature: number): number {
    const len = Math.max(PARTITION_CHUNK_ROWS, Math.ceil((end - start) / MAX_CHUNKS));
    const count = this.rowJob(PARTITION_JOB, start, end, len, feature, 0);
    return joinParts(this.buf.rows, this.buf.tmp, start, end, len, this.buf.parts, count);
  }

  /**
   * Add the `nLeaves` leaves in `buf.leafSpan` / `buf.leafValue` to `buf.raw` (positions
   * [0, nRows)); `refresh`: also set `buf.grad` to the squared loss's gradients `raw − y` and
   * `buf.rows` back to 0, 1, 2, … (row-jobs.ts `addLeafValues`).
   */
  addLeaves(nLeaves: number, nRows: number, refresh: boolean): void {
    const len = Math.max(LEAF_CHUNK_ROWS, Math.ceil(nRows / MAX_CHUNKS));
    this.rowJob(LEAVES_JOB, 0, nRows, len, nLeaves, refresh ? 1 : 0);
  }

  /** Row job `kind` over [start, end) in chunks of `len` positions that both threads take; returns the chunk count. */
  private rowJob(kind: number, start: number, end: number, len: number, arg: number, flag: number): number {
    const c = this.buf.ctrl;
    c[C.kind] = kind;
    c[C.start] = start;
    c[C.end] = end;
    c[C.arg] = arg;
    c[C.flag] = flag;
    const count = Math.max(1, Math.ceil((end - start) / len));
    openChunks(c, this.seq + 1, len, count);
    this.publish();
    const n = this.buf.rows.length;
    this.runChunks((i) => runRowChunk(this.buf, this.kernel, n, kind, start, end, len, i, arg, flag));
    return count;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const c = this.buf.ctrl;
    c[C.kind] = 3;
    this.seq++;
    Atomics.store(c, C.posted, this.seq);
    Atomics.notify(c, C.posted);
    void this.worker?.terminate();
  }
}
