/**
 * A second thread for batch tree prediction: one process-wide worker that runs the kernel of
 * wasm/tree-predict.c on the same shared `WebAssembly.Memory` as the main thread's bank (trees
 * and row chunk in place, nothing copied). A chunk's rows are cut into blocks that both threads
 * take from one atomic counter, each an eighth of the rows left (guided scheduling, as OpenMP's):
 * large blocks first, small ones last, so neither thread waits long for the other. Each row
 * is summed by the same kernel over the same trees in the same order whichever thread takes it:
 * the predictions are bit for bit those of one thread.
 *
 * The worker starts on the first batch that wants it and is unref'd (it never keeps the process
 * alive); until it is up, batches run on the main thread alone. It holds an instance over one
 * bank at a time (the last one it was given), so a dropped model's memory is not kept for long.
 */
import { isMainThread, Worker } from 'node:worker_threads';
import { workerScript } from '../../core/worker-entry.js';
import type { TreeKernel } from './tree-pack.js';

/** Control block layout (Int32 slots); the scale is the Float64 at byte SCALE_AT. */
export const P = {
  posted: 0,
  done: 1,
  /** Seq of the last job claimed, by the worker or (when it came too late) by the main thread. */
  claimed: 2,
  /** Next block to take (atomic counter), and the job: blocks, rows, the call's args. */
  next: 3,
  blocks: 4,
  rows: 6,
  table: 7,
  nTrees: 8,
  xAt: 9,
  cols: 10,
  outAt: 11,
  /** Id of the bank (memory) the job runs on: sent to the worker before its first job. */
  bank: 12,
  failed: 13,
  ready: 14,
  exit: 15,
  /** Blocks the worker computed (tests check it took part). */
  workerBlocks: 16,
  /** The first row of each block, then the number of rows (MAX_BLOCKS + 1 slots). */
  starts: 24,
  size: 90,
} as const;
/** Blocks of a job at most (a chunk of 2^18 rows makes 45). */
const MAX_BLOCKS = 64;
/** Rows of the smallest blocks: below them the calls cost more than the balance gains. */
const MIN_BLOCK = 256;
/** Byte offset of the job's scale (f64) in the control buffer. */
export const SCALE_AT = 4 * P.size;

/** One kernel call over the rows of block `b` of a job (the same call on either thread). */
export function runBlock(fn: TreeKernel['predict_trees'], c: Int32Array, scale: number, b: number): void {
  const from = c[P.starts + b];
  const n = c[P.starts + b + 1] - from;
  const cols = c[P.cols];
  fn(c[P.table], c[P.nTrees], c[P.xAt] + 8 * from * cols, n, cols, c[P.outAt] + 8 * from, scale);
}

/** A job: the arguments of `predict_trees` over a chunk in the bank's memory. */
export interface PredictJob {
  table: number;
  nTrees: number;
  xAt: number;
  rows: number;
  cols: number;
  outAt: number;
  scale: number;
}

/** Cut `rows` into blocks of an eighth of the rows left (at least MIN_BLOCK); their count. */
function planBlocks(c: Int32Array, rows: number): number {
  let at = 0;
  let b = 0;
  for (; at < rows; b++) {
    c[P.starts + b] = at;
    const left = rows - at;
    at += b === MAX_BLOCKS - 1 ? left : Math.min(left, Math.max(MIN_BLOCK, Math.ceil(left / 8)));
  }
  c[P.starts + b] = rows;
  return b;
}

/** The predict worker and its control block: one per process, see `predictThread()`. */
export class PredictThread {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(SCALE_AT + 8), 0, P.size);
  private readonly scale = new Float64Array(this.ctrl.buffer, SCALE_AT, 1);
  private readonly worker: Worker;
  private readonly ids = new WeakMap<WebAssembly.Memory, number>();
  private nextId = 1;
  private sent = 0;
  private seq = 0;
  private broken = false;
  /** When a job last ran on both threads (ms since the epoch). */
  lastRun = 0;
  /** Whether the main thread takes blocks too (tests turn it off so the worker does them all). */
  mainWorks = true;

  constructor() {
    const [url, opts] = workerScript(import.meta.url, 'predict-worker');
    this.worker = new Worker(url, { ...opts, workerData: { ctrl: this.ctrl.buffer } });
    this.worker.on('error', () => {
      this.broken = true;
    });
    this.worker.unref();
  }

  /** Whether the worker is up (it compiled the kernel) and has not failed. */
  get ready(): boolean {
    return !this.broken && Atomics.load(this.ctrl, P.ready) === 1;
  }

  /** Blocks the worker has computed so far. */
  get workerBlocks(): number {
    return Atomics.load(this.ctrl, P.workerBlocks);
  }

  /** Resolves once the worker is up (false if it failed to start). */
  async whenReady(timeoutMs = 30_000): Promise<boolean> {
    const t0 = Date.now();
    while (!this.ready && !this.broken && Date.now() - t0 < timeoutMs)
      await new Promise((r) => setTimeout(r, 5));
    return this.ready;
  }

  /**
   * Run a job on both threads (`fn`: the main thread's instance over `memory`). False when the
   * worker failed: the job's outputs are then partial and the caller redoes it alone.
   */
  run(fn: TreeKernel['predict_trees'], memory: WebAssembly.Memory, job: PredictJob): boolean {
    const c = this.ctrl;
    this.lastRun = Date.now();
    this.post(memory, job);
    if (this.mainWorks) {
      for (let b = Atomics.add(c, P.next, 1); b < c[P.blocks]; b = Atomics.add(c, P.next, 1))
        runBlock(fn, c, job.scale, b);
      // Every block is taken; if the worker has not even claimed the job, it never will.
      if (Atomics.compareExchange(c, P.claimed, this.seq - 1, this.seq) === this.seq - 1) return true;
    }
    for (let d = Atomics.load(c, P.done); d !== this.seq; d = Atomics.load(c, P.done))
      Atomics.wait(c, P.done, d, 1000);
    if (c[P.failed]) this.broken = true;
    return !this.broken;
  }

  private post(memory: WebAssembly.Memory, job: PredictJob): void {
    const id = this.ids.get(memory) ?? this.nextId++;
    this.ids.set(memory, id);
    // Posted before the job: the worker takes it with receiveMessageOnPort when it sees the id.
    if (id !== this.sent) this.worker.postMessage({ bank: id, memory });
    this.sent = id;
    const c = this.ctrl;
    c[P.blocks] = planBlocks(c, job.rows);
    c[P.rows] = job.rows;
    c[P.table] = job.table;
    c[P.nTrees] = job.nTrees;
    c[P.xAt] = job.xAt;
    c[P.cols] = job.cols;
    c[P.outAt] = job.outAt;
    c[P.bank] = id;
    this.scale[0] = job.scale;
    Atomics.store(c, P.next, 0);
    this.seq++;
    Atomics.store(c, P.posted, this.seq);
    Atomics.notify(c, P.posted);
  }

  /** Stop the worker (it exits its loop; terminate() covers one that is not up yet). */
  close(): void {
    this.broken = true;
    Atomics.store(this.ctrl, P.exit, 1);
    Atomics.add(this.ctrl, P.posted, 1);
    Atomics.notify(this.ctrl, P.posted);
    void this.worker.terminate();
  }
}

/** Rows × trees from which a batch may use the second thread (~15 ms of one thread's work). */
export const MIN_THREAD_WORK = 1 << 20;

/**
 * Whether `work` rows × trees should use the second thread, given the 1-minute load average,
 * the cores and our own share of that load: only with a core to spare (what others load below
 * cores − 0.5), as libgomp's OMP_DYNAMIC does. On a busy 2-core VM (load 13–16) two threads
 * measured 0.66–1.0× one: the scheduler gives the process one share, and the threads then wait
 * on each other; on idle cores each thread does half the rows.
 */
export function wantsSecondThread(work: number, load: number, cores: number, own: number): boolean {
  return work >= MIN_THREAD_WORK && cores >= 2 && load - own < cores - 0.5;
}

/** Our own worker's part of the load average: 1 when it ran in the last minute, else 0. */
export function ownLoad(): number {
  return shared && Date.now() - shared.lastRun < 60_000 ? 1 : 0;
}

let shared: PredictThread | null = null;

/**
 * The process-wide predict thread, started on first call (use it once `ready`); null off the
 * main thread: a worker thread is itself one of a pool that already has the cores.
 */
export function predictThread(): PredictThread | null {
  if (!isMainThread) return null;
  shared ??= new PredictThread();
  return shared;
}

/** Stop the process-wide predict thread (tests, shutdown); the next large batch starts a new one. */
export function closePredictThread(): void {
  shared?.close();
  shared = null;
}
