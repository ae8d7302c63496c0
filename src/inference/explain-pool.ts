/**
 * Explanations of a batch spread over worker threads (`tabflow predict --explain`). Each thread
 * loads the same artifact folder (explain-worker.ts, the server's explain threads use it too) and
 * explains blocks of rows of the model matrix with `explainMatrix`; the blocks are put back in
 * order. Every row's attributions depend only on the row and its number in the batch (the
 * sampling method seeds each row by it), so the result is bit for bit what one thread computes,
 * whatever the block size or thread count. A thread that cannot load or dies hands its blocks back
 * to the caller's thread: slower, never different.
 */
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../core/matrix.js';
import { workerScript } from '../core/worker-entry.js';
import type { Attributions, InferencePipeline } from './inference-pipeline.js';

/** Rows per block: small enough for progress to move every second or so on slow models. */
export const EXPLAIN_BLOCK_ROWS = 256;

type Reply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; attributions: Attributions }
  | { type: 'error'; id: number; message: string };

interface Block {
  id: number;
  start: number;
  rows: number;
}

/** Called with the rows explained so far (of the matrix being explained). */
export type RowsDone = (rows: number) => void;

export class ExplainPool {
  private readonly workers: Worker[] = [];
  private closed = false;
  /** Why the threads were given up, if they were (the work then runs on the caller's thread). */
  fallback: string | null = null;

  /** `threads` ≤ 0 explains on the caller's thread, in the same blocks. */
  constructor(
    private readonly pipeline: InferencePipeline,
    private readonly threads: number,
    private readonly blockRows = EXPLAIN_BLOCK_ROWS,
  ) {}

  /** Attributions of every row of X; `firstRow` is the number of X's first row in the batch. */
  async explain(X: Matrix, firstRow = 0, onRows: RowsDone = () => {}): Promise<Attributions> {
    if (X.rows === 0) return this.pipeline.explainMatrix(X, firstRow);
    const blocks: Block[] = [];
    for (let s = 0, id = 0; s < X.rows; s += this.blockRows, id++) {
      blocks.push({ id, start: s, rows: Math.min(this.blockRows, X.rows - s) });
    }
    const parts: Attributions[] = new Array(blocks.length);
    let done = 0;
    const finish = (b: Block, a: Attributions) => {
      parts[b.id] = a;
      done += b.rows;
      onRows(done);
    };
    const local = (b: Block) => finish(b, this.pipeline.explainMatrix(slice(X, b), firstRow + b.start));
    const n = Math.min(this.threads, blocks.length);
    if (n <= 0 || this.fallback !== null) {
      for (const b of blocks) {
        local(b);
        await tick(); // let progress reach the terminal
      }
    } else {
      await this.onThreads(X, blocks, firstRow, n, finish, local);
    }
    return join(parts, X.rows);
  }

  /** Stop the threads. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private async onThreads(
    X: Matrix,
    blocks: Block[],
    firstRow: number,
    n: number,
    finish: (b: Block, a: Attributions) => void,
    local: (b: Block) => void,
  ): Promise<void> {
    while (this.workers.length < n) this.workers.push(this.start());
    const queue = [...blocks];
    // One thread takes blocks one after another until the queue is empty or the thread fails.
    const feed = (w: Worker): Promise<void> =>
      new Promise((resolve) => {
        const next = (): void => {
          const b = queue.shift();
          if (!b) {
            resolve();
            return;
          }
          const data = X.data.slice(b.start * X.cols, (b.start + b.rows) * X.cols);
          const off = () => {
            w.off('message', onMessage);
            w.off('error', onFail);
            w.off('exit', onFail);
          };
          const giveUp = (why: string) => {
            off();
            this.fallback ??= why;
            queue.unshift(b);
            resolve();
          };
          const onMessage = (m: Reply) => {
            if (m.type === 'ready') return;
            if (m.type === 'failed')
              return giveUp(`the explain thread could not load ${this.pipeline.dir}: ${m.message}`);
            off();
            if (m.type === 'done') finish(b, m.attributions);
            else local(b); // a job that threw is redone here, so the error takes its usual form
            next();
          };
          const onFail = (e: unknown) =>
            giveUp(
              e instanceof Error ? `the explain thread failed: ${e.message}` : 'the explain thread exited',
            );
          w.on('message', onMessage);
          w.on('error', onFail);
          w.on('exit', onFail);
          w.postMessage(
            { id: b.id, kind: 'matrix', rows: b.rows, cols: X.cols, data, first: firstRow + b.start },
            [data.buffer],
          );
        };
        next();
      });
    await Promise.all(this.workers.slice(0, n).map(feed));
    // Blocks left by threads that failed: the caller's thread does them.
    for (const b of queue.splice(0)) local(b);
    if (this.fallback !== null) await this.close();
  }

  private start(): Worker {
    if (this.closed) throw new Error('ExplainPool is closed');
    const [entry, options] = workerScript(import.meta.url, 'explain-worker');
    const w = new Worker(entry, { ...options, workerData: { dir: this.pipeline.dir } });
    w.unref();
    return w;
  }
}

function slice(X: Matrix, b: Block): Matrix {
  return { rows: b.rows, cols: X.cols, data: X.data.subarray(b.start * X.cols, (b.start + b.rows) * X.cols) };
}

/** Blocks' attributions, in order, as one batch. */
function join(parts: Attributions[], rows: number): Attributions {
  const names = parts[0]?.names ?? [];
  const values = new Float64Array(rows * names.length);
  let off = 0;
  for (const p of parts) {
    values.set(p.values, off);
    off += p.values.length;
  }
  return { names, values, baseValue: parts[0]?.baseValue ?? 0 };
}

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
