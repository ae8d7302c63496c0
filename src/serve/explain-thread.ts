/**
 * Explanations off the event loop. Attributions cost from a millisecond per row (boosted trees)
 * to a second (fully grown forests; sampling Shapley for k-NN and SVR): on the server's thread,
 * one `?explain=true` request of 200 rows would hold every other request for minutes. So each
 * served model that gets an explain request gets a worker thread that loads the same artifact
 * folder and runs the same `predict(records, {explain: true, …})` — same code, same artifacts,
 * same numbers — one job at a time.
 *
 * The thread starts on first use (explanations are rare; a second copy of the model costs
 * memory), and ends with `retire()` once its model is no longer served and its jobs are done.
 * If it cannot load or dies, and for a job that throws, the request is scored on the server's
 * thread instead: slower for everyone, never a failed or different answer.
 */
import { Worker } from 'node:worker_threads';
import { workerScript } from '../core/worker-entry.js';
import type { ModelPipeline, PredictOptions, RowPrediction } from './pipeline-port.js';

type Reply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; results: RowPrediction[] }
  | { type: 'error'; id: number; message: string };

interface Job {
  resolve: (r: RowPrediction[]) => void;
  reject: (e: unknown) => void;
  records: readonly Record<string, unknown>[];
  opts: PredictOptions;
}

/** A worker thread scoring explain requests for one served model, one job at a time. */
export class ExplainThread {
  private worker: Worker | null = null;
  /** Set once the worker cannot serve (did not load, crashed, closed): score in-thread from then on. */
  private broken: string | null = null;
  private readonly jobs = new Map<number, Job>();
  private seq = 0;
  private retired = false;
  private answered = 0;

  /**
   * `dir` is the artifact folder `pipeline` was loaded from; `onFallback` hears why a job ran on
   * the server's thread (for the server log).
   */
  constructor(
    readonly dir: string,
    private readonly pipeline: ModelPipeline,
    private readonly onFallback: (reason: string) => void = () => {},
  ) {}

  /** Jobs sent to the worker and not yet answered. */
  get pending(): number {
    return this.jobs.size;
  }

  /** Jobs the worker answered (the others ran on the server's thread). */
  get workerAnswers(): number {
    return this.answered;
  }

  /** Whether a worker is running now. */
  get running(): boolean {
    return this.worker !== null;
  }

  predict(records: readonly Record<string, unknown>[], opts: PredictOptions): Promise<RowPrediction[]> {
    if (this.broken !== null || this.retired) return this.inThread(records, opts);
    const worker = this.worker ?? this.start();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject, records, opts });
      worker.postMessage({ id, records, opts });
    });
  }

  /** No new jobs go to the worker; it stops once the queued ones are answered. */
  retire(): void {
    this.retired = true;
    if (this.jobs.size === 0) this.stop();
  }

  /** Stop now; queued jobs are scored on the server's thread. */
  async close(): Promise<void> {
    this.retired = true;
    this.fail('the server is closing');
    await this.stop();
  }

  private start(): Worker {
    const [entry, options] = workerScript(import.meta.url, '../inference/explain-worker');
    const w = new Worker(entry, { ...options, workerData: { dir: this.dir } });
    // The server keeps the process alive; an idle explain thread should not.
    w.unref();
    w.on('message', (m: Reply) => this.receive(m));
    w.on('error', (e) => this.fail(`the explain thread failed: ${e.message}`));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      if (this.jobs.size) this.fail(`the explain thread exited (code ${code})`);
    });
    this.worker = w;
    return w;
  }

  private receive(m: Reply): void {
    if (m.type === 'ready') return;
    if (m.type === 'failed') {
      this.fail(`the explain thread could not load ${this.dir}: ${m.message}`);
      return;
    }
    const job = this.jobs.get(m.id);
    if (!job) return;
    this.jobs.delete(m.id);
    // A job that threw is redone here, so the error reaches the client in its usual form.
    if (m.type === 'done') {
      this.answered++;
      job.resolve(m.results);
    } else this.runInThread(job);
    if (this.retired && this.jobs.size === 0) this.stop();
  }

  /** The worker cannot serve: every queued job is scored on the server's thread. */
  private fail(reason: string): void {
    if (this.broken === null) {
      this.broken = reason;
      if (!this.retired || this.jobs.size) this.onFallback(reason);
    }
    const queued = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of queued) this.runInThread(job);
    this.stop();
  }

  private runInThread(job: Job): void {
    this.inThread(job.records, job.opts).then(job.resolve, job.reject);
  }

  private async inThread(
    records: readonly Record<string, unknown>[],
    opts: PredictOptions,
  ): Promise<RowPrediction[]> {
    return this.pipeline.predict(records, opts);
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
