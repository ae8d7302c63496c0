/**
 * A JobRunner over a BullMQ queue: `tabflow train --queue redis://…` hands every fit job
 * (candidate × fold × tuning trial, refits, calibration's difficulty models) to whichever
 * `tabflow worker` is free, on any host that reaches the Redis. A job's arrays are put once in
 * the blob plane (a fold's matrices are shared by all its candidates' jobs); the result comes
 * back through BullMQ, the model (when kept) as a blob. A worker that dies mid-job stops renewing
 * its lock, BullMQ's stalled-job check queues the job again and another worker runs it: the
 * result is taken from the one attempt that completes, so nothing is lost or counted twice.
 */
import { randomUUID } from 'node:crypto';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Serialized } from '../core/codec.js';
import { ArtifactError } from '../core/errors.js';
import { loadModel } from '../models/families.js';
import type { FitJob, FitResult } from '../train/cv/fit-job.js';
import type { JobRunner } from '../train/cv/job-runner.js';
import { RedisBlobs } from './blobs.js';
import { connectQueue } from './connect.js';
import { ProgressTally, type QueueProgress } from './progress.js';
import { redisOptions } from './queue-uri.js';
import {
  f64Bytes,
  jobToWire,
  resultFromWire,
  type WireArray,
  type WireJob,
  type WireResult,
} from './wire.js';

/** The queue's name when none is given (`--queue-name`). */
export const DEFAULT_QUEUE_NAME = 'tabflow-fit';
/** Attempts of a job whose worker failed outside the fit (a lost blob, a dead process). */
const ATTEMPTS = 3;

/** Options of {@link openQueueRunner}. */
export interface QueueRunnerOptions {
  /** The queue's name (default `tabflow-fit`); trainer and workers must agree. */
  readonly queueName?: string;
  /**
   * Jobs in flight at once (default: the workers connected now + 1, at least 2): one more than
   * the workers, so a freed worker finds the next job waiting while no job is queued long
   * before it can start (the run's time budget decides when each job is started).
   */
  readonly lanes?: number;
  /** Called whenever a job of this run changes state. */
  readonly onProgress?: (p: QueueProgress) => void;
}

/** A runner whose jobs run on queue workers, with the run's progress per worker. */
export interface QueueRunner extends JobRunner {
  /** The jobs of this runner so far. */
  progress(): QueueProgress;
  /** Workers connected to the queue now. */
  workers(): Promise<number>;
}

/** Open a runner on the queue at `uri` (`redis://host:port/db`); close it when the run is done. */
export async function openQueueRunner(uri: string, o: QueueRunnerOptions = {}): Promise<QueueRunner> {
  const { address, redis } = await connectQueue(uri);
  const name = o.queueName ?? DEFAULT_QUEUE_NAME;
  const connection = redisOptions(address);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  const blobs = new RedisBlobs(redis, `tabflow:${name}`);
  const run = `run-${randomUUID()}`;
  const tally = new ProgressTally();
  const notify = () => o.onProgress?.(tally.snapshot());
  followEvents(events, run, tally, notify);
  const workers = () => queue.getWorkersCount();
  const lanes = o.lanes ?? Math.max(2, (await workers()) + 1);
  const upload = uploader(blobs);
  let seq = 0;
  return {
    lanes,
    async run(job, keepModel, signal) {
      // A job Redis lost (a restart without persistence takes the queue and the blobs with it)
      // is put again, blobs included, under a new id: the lost attempt can never complete. So is
      // a job queued after the restart whose arrays were put before it (the worker finds a blob
      // missing), and one whose model blob went with Redis before the trainer read it.
      for (let put = upload.array; ; put = upload.again) {
        const wire = await jobToWire(job, keepModel ? 'json' : 'none', put);
        const id = `${run}-${seq++}`;
        const added = await queue.add('fit', wire, {
          jobId: id,
          attempts: ATTEMPTS,
          backoff: { type: 'fixed', delay: 500 },
          removeOnComplete: { age: 3600 },
          removeOnFail: { age: 24 * 3600 },
        });
        tally.queue();
        notify();
        const out = await finished(added, queue, events, signal);
        const result = out === LOST || out.missingBlob ? LOST : await withModel(out, keepModel, blobs, job);
        if (result === LOST) {
          tally.lose(id);
          notify();
          continue;
        }
        tally.finish(id, (out as WireResult).worker);
        notify();
        return result;
      }
    },
    progress: () => tally.snapshot(),
    workers,
    async close() {
      await blobs.delete(upload.uploaded()).catch(() => {});
      await events.close();
      await queue.close();
      redis.disconnect();
    },
  };
}

/** Each distinct array uploaded once (by identity, then by content hash); `again` re-puts it. */
function uploader(blobs: RedisBlobs) {
  const seen = new WeakMap<Float64Array, Promise<WireArray>>();
  const shas = new Set<string>();
  const put = (a: Float64Array): Promise<WireArray> => {
    const ref = blobs.put(f64Bytes(a)).then((blob) => {
      shas.add(blob);
      return { blob, length: a.length };
    });
    seen.set(a, ref);
    return ref;
  };
  return {
    array: (a: Float64Array): Promise<WireArray> => seen.get(a) ?? put(a),
    again: put,
    uploaded: () => [...shas],
  };
}

/** What {@link finished} returns for a job Redis no longer has. */
const LOST = Symbol('lost');
/** How often a waiting trainer checks that its job still exists. */
const CHECK_MS = 2000;

/**
 * The job's return value once it completes, or LOST when Redis no longer knows it (restarted
 * without persistence). Completion is heard from the queue's events, and also read from the job
 * on each check, so an event missed while Redis was away does not leave the run waiting. An abort
 * removes the job while it still waits.
 */
async function finished(
  job: Job<WireJob>,
  queue: Queue,
  events: QueueEvents,
  signal?: AbortSignal,
): Promise<WireResult | typeof LOST> {
  const id = String(job.id);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const checked = new Promise<WireResult | typeof LOST>((resolve, reject) => {
    const check = async () => {
      if (stopped) return;
      try {
        const state = await queue.getJobState(id);
        if (state === 'unknown') return resolve(LOST);
        if (state === 'completed') {
          const done = await queue.getJob(id);
          if (done) return resolve(done.returnvalue as WireResult);
        }
        if (state === 'failed') {
          const failed = await queue.getJob(id);
          if (failed && failed.attemptsMade >= ATTEMPTS) return reject(new Error(failed.failedReason));
        }
      } catch {
        // Redis away: check again later (ioredis reconnects by itself).
      }
      if (!stopped) timer = setTimeout(check, CHECK_MS);
    };
    timer = setTimeout(check, CHECK_MS);
  });
  const racers: Promise<WireResult | typeof LOST>[] = [
    job.waitUntilFinished(events) as Promise<WireResult>,
    checked,
  ];
  if (signal) {
    racers.push(
      new Promise<never>((_, reject) => {
        const stop = () => {
          job.remove().catch(() => {});
          reject(signal.reason ?? new Error('aborted'));
        };
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      }),
    );
  }
  try {
    return await Promise.race(racers);
  } finally {
    stopped = true;
    clearTimeout(timer);
  }
}

/**
 * The outcome, with the fitted model loaded from its blob when it was asked for; LOST when that
 * blob is gone (Redis restarted between the fit and this read).
 */
async function withModel(
  out: WireResult,
  keep: boolean,
  blobs: RedisBlobs,
  job: FitJob,
): Promise<FitResult | typeof LOST> {
  const r = resultFromWire(out);
  if (!keep || !r.ok || !out.model) return r;
  let bytes: Buffer;
  try {
    bytes = await blobs.get(out.model, `the model of job ${job.name}`);
  } catch (e) {
    if (e instanceof ArtifactError && e.code === 'blob_missing') return LOST;
    throw e;
  }
  await blobs.delete([out.model]);
  return { ...r, fitted: loadModel(JSON.parse(bytes.toString('utf8')) as Serialized) };
}

/** Tally this run's job events (other runs share the queue's event stream). */
function followEvents(events: QueueEvents, run: string, tally: ProgressTally, notify: () => void): void {
  const mine = (id: string) => id.startsWith(`${run}-`);
  events.on('progress', ({ jobId, data }) => {
    const worker = (data as { worker?: unknown } | null)?.worker;
    if (!mine(jobId) || typeof worker !== 'string') return;
    tally.start(jobId, worker);
    notify();
  });
  events.on('failed', ({ jobId }) => {
    if (!mine(jobId)) return;
    tally.fail(jobId);
    notify();
  });
  events.on('stalled', ({ jobId }) => {
    if (!mine(jobId)) return;
    tally.stall(jobId);
    notify();
  });
}
