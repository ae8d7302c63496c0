/**
 * A second thread for histogram building on large data (feature-parallel, as LightGBM's
 * feature-parallel learner within one machine): the main thread builds the first half of a
 * node's features, one worker the second half, into the same shared histogram. Every feature is
 * built by the same code whichever thread runs it, so trees are identical with and without it.
 *
 * Shared memory: bins, gradients/hessians, the row index, the gathered (ordered) gradients and an
 * arena of histogram slots are SharedArrayBuffers; one Int32Array carries the job and two
 * sequence numbers (posted / done) that the threads wait on with Atomics.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelError } from '../../core/errors.js';
import { workerScript } from '../../core/worker-entry.js';
import type { BinnedData } from './binning.js';

/** Control block layout (Int32 slots). */
export const C = {
  posted: 0,
  done: 1,
  kind: 2, // 1 = root (all rows, natural order), 2 = node rows[start..end), 3 = exit
  start: 3,
  end: 4,
  histOffset: 5, // element offset of the target histogram in the arena
  featFrom: 6,
  featTo: 7,
  hasHess: 8,
  failed: 9, // set by the worker when a job threw
  claimed: 10, // seq of the last job claimed (by the worker or, if it was late, the main thread)
  size: 16,
} as const;

/** Use a helper thread only when a root histogram has at least this many (row, feature) cells. */
export const PARALLEL_MIN_CELLS = 2_000_000;

export interface SharedBuffers {
  bins: Uint8Array;
  grad: Float64Array;
  hess: Float64Array;
  rows: Uint32Array;
  og: Float64Array;
  oh: Float64Array;
  counts: Float64Array;
  arena: Float64Array;
  feats: Int32Array;
  ctrl: Int32Array;
  /** hConst for jobs without hessians. */
  ctrlF: Float64Array;
}

function shared<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(
  C_: new (b: SharedArrayBuffer) => T,
  n: number,
  bytes: number,
): T {
  return new C_(new SharedArrayBuffer(Math.max(1, n) * bytes));
}

/** How many threads a fit may use for histograms (1 = none) given its size. */
export function histogramThreads(nRows: number, nFeatures: number, threads?: number): number {
  const t = threads ?? availableParallelism();
  return t >= 2 && nRows * nFeatures >= PARALLEL_MIN_CELLS ? 2 : 1;
}

export class HistogramHelper {
  readonly buf: SharedBuffers;
  readonly slotSize: number;
  readonly slots: number;
  private readonly worker: Worker;
  private seq = 0;
  private closed = false;
  /** Take over jobs the worker has not started (tests turn it off to exercise the worker). */
  steal = true;

  private constructor(buf: SharedBuffers, slotSize: number, slots: number, worker: Worker) {
    this.buf = buf;
    this.slotSize = slotSize;
    this.slots = slots;
    this.worker = worker;
  }

  /**
   * Start the helper for binned data (copied into shared memory) with `slots` histogram slots of
   * `slotSize` doubles, and `offsets` = the bin mapper's histogram offsets.
   */
  static async start(
    data: BinnedData,
    offsets: Int32Array,
    slotSize: number,
    slots: number,
  ): Promise<HistogramHelper> {
    const n = data.nRows;
    const p = data.nFeatures;
    const buf: SharedBuffers = {
      bins: shared(Uint8Array, n * p, 1),
      grad: shared(Float64Array, n, 8),
      hess: shared(Float64Array, n, 8),
      rows: shared(Uint32Array, n, 4),
      og: shared(Float64Array, n, 8),
      oh: shared(Float64Array, n, 8),
      counts: shared(Float64Array, slotSize, 8),
      arena: shared(Float64Array, slotSize * slots, 8),
      feats: shared(Int32Array, p, 4),
      ctrl: shared(Int32Array, C.size, 4),
      ctrlF: shared(Float64Array, 1, 8),
    };
    buf.bins.set(data.bins);
    const [url, opts] = workerScript(import.meta.url, 'histogram-worker');
    const worker = new Worker(url, {
      ...opts,
      workerData: { buf, nRows: n, nFeatures: p, offsets: Int32Array.from(offsets) },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    worker.unref();
    return new HistogramHelper(buf, slotSize, slots, worker);
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
    return hist.buffer === this.buf.arena.buffer ? hist.byteOffset / 8 : -1;
  }

  /** Post a job for features feats[from..to) (feature list already in buf.feats). */
  post(
    kind: 1 | 2,
    histOffset: number,
    start: number,
    end: number,
    from: number,
    to: number,
    hasHess: boolean,
    hConst: number,
  ) {
    const c = this.buf.ctrl;
    c[C.kind] = kind;
    c[C.start] = start;
    c[C.end] = end;
    c[C.histOffset] = histOffset;
    c[C.featFrom] = from;
    c[C.featTo] = to;
    c[C.hasHess] = hasHess ? 1 : 0;
    this.buf.ctrlF[0] = hConst;
    this.seq++;
    Atomics.store(c, C.posted, this.seq);
    Atomics.notify(c, C.posted);
  }

  /**
   * After the main thread's own half: claim the posted job if the worker has not started it (it
   * may be descheduled on a busy machine — waiting for it would stall the fit) and return true
   * (the caller builds that half itself); otherwise wait for the worker to finish and return false.
   */
  claimOrWait(): boolean {
    const c = this.buf.ctrl;
    if (this.steal && Atomics.compareExchange(c, C.claimed, this.seq - 1, this.seq) === this.seq - 1)
      return true;
    for (;;) {
      const d = Atomics.load(c, C.done);
      if (d === this.seq) break;
      Atomics.wait(c, C.done, d, 1000);
    }
    if (c[C.failed])
      throw new ModelError('histogram_thread', 'the histogram helper thread failed; refit with threads: 1');
    return false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const c = this.buf.ctrl;
    c[C.kind] = 3;
    this.seq++;
    c[C.claimed] = this.seq - 1;
    Atomics.store(c, C.posted, this.seq);
    Atomics.notify(c, C.posted);
    void this.worker.terminate();
  }
}
