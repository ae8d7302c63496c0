/**
 * Where fit jobs run: in this thread (one thread, or tiny jobs), or on a pool of worker threads
 * — one per core the run may use, each job's model then single-threaded. Results are the same
 * either way; the pool returns models as JSON, which load back to identical models.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ModelError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { resolveParams } from '../../core/params.js';
import { workerModule } from '../../core/worker-entry.js';
import type { Fitter } from '../../inference/conformal.js';
import { getFamily, loadModel } from '../../models/families.js';
import { type FitJob, type FitResult, runFitJob } from './fit-job.js';

/**
 * Where fit jobs run: this thread, this machine's worker threads, or a queue of worker processes
 * (`openQueueRunner`). A job's result never depends on where it ran.
 */
export interface JobRunner {
  /** Jobs this runner runs at once. */
  readonly lanes: number;
  /** Fit; with `keepModel` the result holds the fitted model. */
  run(job: FitJob, keepModel: boolean, signal?: AbortSignal): Promise<FitResult>;
  /** Release what the runner holds (threads, connections). */
  close(): Promise<void>;
}

/** Runs jobs one at a time in this thread. */
export function inProcessRunner(): JobRunner {
  return {
    lanes: 1,
    run: (job, keepModel) => runFitJob(job, keepModel ? 'model' : 'none'),
    close: async () => {},
  };
}

let pool: Piscina | null = null;

/**
 * The process-wide pool of fit workers, created on first use: starting a worker (loading the
 * model families) costs more than a small fit, so successive runs in one process share it. Idle
 * workers are unref'd by Piscina and never keep the process alive.
 */
function sharedPool(): Piscina {
  if (!pool) {
    const n = Math.max(1, availableParallelism());
    pool = new Piscina({
      ...workerModule(import.meta.url, 'cv-worker'),
      minThreads: n,
      maxThreads: n,
      idleTimeout: 30_000,
    });
  }
  return pool;
}

/**
 * Start the shared pool's workers now (they take ~0.3 s to load the model families), so they are
 * ready when cross-validation begins; harmless if the run then selects on the holdout.
 */
export function warmFitPool(threads: number | null): void {
  if (Math.min(threads ?? availableParallelism(), availableParallelism()) > 1) sharedPool();
}

/** Shut the shared pool down (tests); the next run starts a new one. */
export async function closeFitPool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.destroy();
}

/**
 * Run one job on a thread of the shared pool and return its raw outcome (`json`: the model as
 * JSON, not loaded): what a queue worker process does, so its event loop stays free while a fit
 * runs (it must keep renewing the job's lock).
 */
export async function runOnThread(job: FitJob, keep: 'json' | 'none'): Promise<FitResult> {
  return (await sharedPool().run({ job, keep })) as FitResult;
}

/** At most `lanes` jobs at once on the shared worker pool (started now, while folds are prepared). */
export function poolRunner(lanes: number): JobRunner {
  const workers = sharedPool();
  return {
    lanes,
    async run(job, keepModel, signal) {
      const r = (await workers.run(
        { job, keep: keepModel ? 'json' : 'none' },
        { signal: signal ?? null },
      )) as FitResult;
      if (!keepModel || !r.ok || !r.json) return r;
      return { ...r, fitted: loadModel(r.json), json: undefined };
    },
    // The pool outlives the run; its idle workers do not hold the process.
    close: async () => {},
  };
}

/** In-process with one thread, else on the shared pool with at most `threads` (or every core) lanes. */
export function makeRunner(threads: number | null): JobRunner {
  const n = Math.max(1, Math.min(threads ?? availableParallelism(), availableParallelism()));
  return n > 1 ? poolRunner(n) : inProcessRunner();
}

/** Fits difficulty models (conformal σ) as jobs on the runner's lanes. */
export function fitterOn(runner: JobRunner): Fitter {
  return async (kind, params, X, y, features, seed) => {
    const r = await runner.run(
      {
        name: 'difficulty',
        model: kind,
        params: resolveParams(getFamily(kind).params, params),
        features,
        X: runner.lanes > 1 ? shareMatrix(X) : X,
        y,
        seed,
        budgetS: null,
        threads: 1,
      },
      true,
    );
    if (!r.ok || !r.fitted) throw new ModelError('calibration_failed', `difficulty model: ${r.error}`);
    return r.fitted;
  };
}

function shareMatrix(X: Matrix): Matrix {
  const data = new Float64Array(new SharedArrayBuffer(X.data.byteLength));
  data.set(X.data);
  return { rows: X.rows, cols: X.cols, data };
}
