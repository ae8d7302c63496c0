/**
 * Where fit jobs run: in this thread (one thread, or tiny jobs), or on a pool of worker threads
 * — one per core the run may use, each job's model then single-threaded. Results are the same
 * either way; the pool returns models as JSON, which load back to identical models.
 */
import { Piscina } from 'piscina';
import { workerModule } from '../../core/worker-entry.js';
import { loadModel } from '../../models/registry.js';
import { type FitJob, type FitResult, runFitJob } from './fit-job.js';

export interface JobRunner {
  /** Jobs this runner runs at once. */
  readonly lanes: number;
  /** Fit; with `keepModel` the result holds the fitted model. */
  run(job: FitJob, keepModel: boolean, signal?: AbortSignal): Promise<FitResult>;
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

/** A pool of `threads` workers, started now so they load while the folds are prepared. */
export function poolRunner(threads: number): JobRunner {
  const pool = new Piscina({
    ...workerModule(import.meta.url, 'cv-worker'),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 10_000,
  });
  return {
    lanes: threads,
    async run(job, keepModel, signal) {
      const r = (await pool.run(
        { job, keep: keepModel ? 'json' : 'none' },
        { signal: signal ?? null },
      )) as FitResult;
      if (!keepModel || !r.ok || !r.json) return r;
      return { ...r, fitted: loadModel(r.json), json: undefined };
    },
    close: () => pool.destroy(),
  };
}
