/**
 * `tabflow worker`: a process that takes fit jobs from the queue, one at a time by default, and
 * runs each on a worker thread — the event loop stays free to renew the job's lock, so a long
 * fit is never mistaken for a dead worker. The arrays a job names are fetched once and cached by
 * hash (a fold's matrices serve every candidate on it); the model, when asked for, goes back as a
 * blob. A failing fit is a result (the run records it); a failure outside the fit (a lost blob)
 * fails the attempt and BullMQ retries it.
 */
import { hostname } from 'node:os';
import { type Job, Worker } from 'bullmq';
import { ArtifactError } from '../core/errors.js';
import type { FitJob } from '../train/cv/fit-job.js';
import { runOnThread } from '../train/cv/job-runner.js';
import { BlobCache } from './blob-cache.js';
import { RedisBlobs } from './blobs.js';
import { connectQueue } from './connect.js';
import { DEFAULT_QUEUE_NAME } from './queue-runner.js';
import { redisOptions } from './queue-uri.js';
import { jobFromWire, missingBlob, modelBytes, resultToWire, type WireJob, type WireResult } from './wire.js';

/** Options of {@link startFitWorker}. */
export interface FitWorkerOptions {
  readonly queueName?: string;
  /** Jobs this process runs at once (default 1: one model thread per job). */
  readonly concurrency?: number;
  /**
   * Seconds a job's lock lasts without renewal (default 30): after it, a job whose worker died is
   * queued again (BullMQ checks every `lockSeconds` too).
   */
  readonly lockSeconds?: number;
  /** Bytes of fetched arrays kept in memory (default 1 GiB). */
  readonly cacheBytes?: number;
  /** Called when a job starts and ends (for the command's output). */
  readonly onJob?: (e: WorkerJobEvent) => void;
}

/** A job starting or ending on this worker. */
export type WorkerJobEvent =
  | { type: 'start'; id: string; name: string; model: string }
  | { type: 'end'; id: string; name: string; ok: boolean; seconds: number; error?: string };

/** A running worker. */
export interface FitWorker {
  /** `host:pid`, as progress lines name it. */
  readonly id: string;
  /** Stop taking jobs, let the running ones finish, disconnect. */
  close(): Promise<void>;
}

/** Start a worker on the queue at `uri`. */
export async function startFitWorker(uri: string, o: FitWorkerOptions = {}): Promise<FitWorker> {
  const { address, redis } = await connectQueue(uri);
  const name = o.queueName ?? DEFAULT_QUEUE_NAME;
  const blobs = new RedisBlobs(redis, `tabflow:${name}`);
  const cache = new BlobCache(blobs, o.cacheBytes ?? 2 ** 30);
  const id = `${hostname()}:${process.pid}`;
  const lockMs = Math.round((o.lockSeconds ?? 30) * 1000);
  const worker = new Worker<WireJob, WireResult>(
    name,
    async (job: Job<WireJob, WireResult>) => {
      o.onJob?.({ type: 'start', id: String(job.id), name: job.data.name, model: job.data.model });
      await job.updateProgress({ worker: id });
      let fit: FitJob;
      try {
        fit = await jobFromWire(job.data, (ref, what) => cache.get(ref, what));
      } catch (e) {
        // Retrying cannot bring a blob back; the trainer can, so tell it instead of failing.
        if (!(e instanceof ArtifactError && e.code === 'blob_missing')) throw e;
        o.onJob?.({
          type: 'end',
          id: String(job.id),
          name: job.data.name,
          ok: false,
          seconds: 0,
          error: e.message,
        });
        return missingBlob(e.message, id);
      }
      const r = await runOnThread(fit, job.data.keep);
      const model = r.ok && r.json ? await blobs.put(modelBytes(r.json)) : undefined;
      o.onJob?.({
        type: 'end',
        id: String(job.id),
        name: job.data.name,
        ok: r.ok,
        seconds: r.seconds,
        error: r.error,
      });
      return resultToWire(r, model, id);
    },
    {
      connection: redisOptions(address),
      concurrency: Math.max(1, o.concurrency ?? 1),
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 2,
      name: id,
    },
  );
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return {
    id,
    async close() {
      await worker.close();
      redis.disconnect();
    },
  };
}
