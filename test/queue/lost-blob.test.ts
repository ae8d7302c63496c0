/**
 * A job whose arrays are gone from Redis when a worker takes it — put before Redis restarted
 * without persistence, queued after — is not failed three times over: the worker says which
 * blob is missing, the trainer puts the job's arrays again and queues it anew, and the result is
 * the one an in-process fit gives. Against the Redis service; the keys are deleted, not Redis.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { resolveParams } from '../../src/core/params.js';
import '../../src/models/index.js';
import { getFamily } from '../../src/models/families.js';
import type { FitWorker } from '../../src/queue/fit-worker.js';
import { startFitWorker } from '../../src/queue/fit-worker.js';
import { openQueueRunner } from '../../src/queue/queue-runner.js';
import { type FitJob, runFitJob } from '../../src/train/cv/fit-job.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { dropQueue, redisSkip, TEST_REDIS } from '../helpers/redis.js';

const skip = await redisSkip();
const q = `tabflow-test-${process.pid}-lost-blob`;
let worker: FitWorker | undefined;

after(async () => {
  await worker?.close();
  await dropQueue(q).catch(() => {});
});

/** Concrete's first 600 rows: 8 numeric features and the strength, as a ridge fit job. */
function concreteJob(): FitJob {
  const lines = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n').slice(1, 601);
  const rows = lines.map((l) => l.split(',').map(Number));
  const cols = rows[0]!.length - 1;
  const X = new Float64Array(rows.length * cols);
  const y = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < cols; j++) X[i * cols + j] = r[j]!;
    y[i] = r[cols]!;
  });
  const fit = { rows: 500, cols, data: X.subarray(0, 500 * cols) };
  const held = { X: { rows: 100, cols, data: X.slice(500 * cols) }, y: y.slice(500) };
  return {
    name: 'ridge',
    model: 'ridge',
    params: resolveParams(getFamily('ridge').params, {}, 'ridge.params'),
    features: Array.from({ length: cols }, (_, j) => ({
      name: `x${j}`,
      kind: 'numeric' as const,
      source: `x${j}`,
    })),
    X: fit,
    y: y.subarray(0, 500),
    held,
    seed: 3,
    budgetS: null,
  };
}

/** Resolve once the queue `q` has a job waiting (the trainer has put its blobs and queued it). */
async function jobWaiting(redis: Redis): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await redis.llen(`bull:${q}:wait`)) > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the trainer never queued its job');
}

async function deleteBlobs(redis: Redis): Promise<number> {
  const keys = await redis.keys(`tabflow:${q}:blob:*`);
  if (keys.length) await redis.unlink(...keys);
  return keys.length;
}

describe('a job whose blobs Redis lost before a worker took it', { skip }, () => {
  it('is queued again with its arrays put again; the prediction is the in-process one', async () => {
    const job = concreteJob();
    const local = await runFitJob(job, 'none');
    const redis = new Redis(TEST_REDIS);
    const runner = await openQueueRunner(TEST_REDIS, { queueName: q, lanes: 1 });
    try {
      const result = runner.run(job, false);
      await jobWaiting(redis);
      assert.equal(await deleteBlobs(redis), 4, 'the job had put X, y and the held rows');
      // Only now a worker: it finds the blobs gone.
      worker = await startFitWorker(TEST_REDIS, { queueName: q });
      const r = await result;
      assert.equal(r.ok, true, r.error);
      assert.deepEqual([...r.pred!], [...local.pred!]);
      const p = runner.progress();
      assert.equal(p.lost, 1, 'the first attempt counted as lost');
      assert.equal(p.failed, 0, 'and not as a failure');
      assert.equal(p.done, 1);
      assert.equal(p.queued, 1);
    } finally {
      await runner.close();
      redis.disconnect();
    }
  });
});
