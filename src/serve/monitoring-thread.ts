/**
 * GET /monitoring off the event loop. A report reads up to `window` logged rows and their
 * feedback from SQLite and computes drift statistics: seconds for a large window, during which
 * an in-thread computation would hold every request (/health and /predict included). So reports
 * are computed on one worker thread per server (`monitoring-worker.ts`), started on first use,
 * one at a time; identical requests waiting together share one computation, and past
 * `maxQueued` jobs the route answers 503 instead of piling work up.
 */
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../core/error-codes.js';
import { TabflowError } from '../core/errors.js';
import { workerScript } from '../core/worker-entry.js';
import type { MonitoringResult, MonitorQuery } from '../loop/monitoring.js';
import type { MonitoringConfig } from '../loop/monitoring-config.js';

/** One report: the served model's folder, the log, thresholds (null: the run's own), the query. */
export interface MonitoringJob {
  dir: string;
  logFile: string;
  cfg: MonitoringConfig | null;
  query: Omit<MonitorQuery, 'now'>;
}

type Reply =
  | { id: number; result: MonitoringResult }
  | {
      id: number;
      error: { name: string; message: string; tabflow: { code: ErrorCode } | null };
    };

interface Pending {
  key: string;
  promise: Promise<MonitoringResult>;
  resolve: (r: MonitoringResult) => void;
  reject: (e: unknown) => void;
}

/**
 * An error of GET /monitoring: its own (`monitoring_busy`), or one thrown on the monitoring thread
 * and carried back by code (its status is that code's in the catalogue).
 */
export class MonitoringError extends TabflowError {}

/** Computes GET /monitoring reports on a worker thread, one at a time. */
export class MonitoringThread {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, Pending>();
  private seq = 0;
  private closed = false;

  constructor(private readonly maxQueued = 8) {}

  /** Reports asked for and not yet answered. */
  get pending(): number {
    return this.jobs.size;
  }

  run(job: MonitoringJob): Promise<MonitoringResult> {
    if (this.closed) return Promise.reject(busy('the server is closing'));
    const key = JSON.stringify(job);
    for (const p of this.jobs.values()) if (p.key === key) return p.promise;
    if (this.jobs.size >= this.maxQueued) {
      return Promise.reject(busy(`${this.jobs.size} monitoring reports are being computed; retry shortly`));
    }
    const worker = this.worker ?? this.start();
    const id = ++this.seq;
    let settle!: Pick<Pending, 'resolve' | 'reject'>;
    const promise = new Promise<MonitoringResult>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.jobs.set(id, { key, promise, ...settle });
    worker.postMessage({ id, job });
    return promise;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(busy('the server is closing'));
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private start(): Worker {
    const [entry, options] = workerScript(import.meta.url, 'monitoring-worker');
    const w = new Worker(entry, options);
    // The server keeps the process alive; an idle monitoring thread should not.
    w.unref();
    w.on('message', (m: Reply) => this.receive(m));
    w.on('error', (e) => this.failAll(new Error(`the monitoring thread failed: ${e.message}`)));
    w.on('exit', (code) => {
      // The next report starts a new thread.
      if (this.worker === w) this.worker = null;
      this.failAll(new Error(`the monitoring thread exited (code ${code})`));
    });
    this.worker = w;
    return w;
  }

  private receive(m: Reply): void {
    const job = this.jobs.get(m.id);
    if (!job) return;
    this.jobs.delete(m.id);
    if ('result' in m) job.resolve(m.result);
    else {
      const { name, message, tabflow } = m.error;
      const e = tabflow ? new MonitoringError(tabflow.code, message) : new Error(message);
      e.name = name;
      job.reject(e);
    }
  }

  private failAll(e: Error): void {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const j of jobs) j.reject(e);
  }
}

function busy(message: string): MonitoringError {
  return new MonitoringError('monitoring_busy', message);
}
