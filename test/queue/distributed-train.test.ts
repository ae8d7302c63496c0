/**
 * Distributed training end to end, against the Redis service: `tabflow worker` processes take the
 * fit jobs of a cross-validated run on concrete, and the run saves byte-identical artifacts to a
 * local one. A worker killed with SIGKILL mid-job: its job is queued again when its lock expires,
 * another worker runs it, and the result is the same — nothing lost, nothing counted twice.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfigUnknown } from '../../src/config/config.js';
import type { QueueProgress } from '../../src/queue/progress.js';
import { openQueueRunner } from '../../src/queue/queue-runner.js';
import { type RunSummary, TrainingPipeline } from '../../src/train/training-pipeline.js';
import { TmpDir } from '../data/tmp-files.js';
import { dropQueue, redisSkip, TEST_REDIS } from '../helpers/redis.js';
import { concreteRun, startWorker, stopWorkers } from './queue-fixture.js';

const skip = await redisSkip();
const tmp = new TmpDir();
const queues: string[] = [];

after(async () => {
  stopWorkers();
  for (const q of queues) await dropQueue(q).catch(() => {});
  tmp.remove();
});

const config = (out: string) => resolveConfigUnknown(concreteRun(out));

const now = () => new Date('2026-12-01T00:00:00Z');
const read = (run: RunSummary, f: string) => readFileSync(join(run.runDir, f), 'utf8');

describe('distributed training on a BullMQ queue', { skip }, () => {
  let local: RunSummary;
  before(async () => {
    local = await new TrainingPipeline(config(tmp.path('local')), { now }).run();
  });

  async function distributed(q: string, onProgress?: (p: QueueProgress) => void) {
    const runner = await openQueueRunner(TEST_REDIS, { queueName: q, onProgress });
    try {
      const run = await new TrainingPipeline(config(tmp.path(q)), { now, runner }).run();
      return { run, progress: runner.progress() };
    } finally {
      await runner.close();
    }
  }

  it('two workers: the same selection and byte-identical artifacts as a local run, every job counted once', async () => {
    const q = `tabflow-test-${process.pid}-two`;
    queues.push(q);
    await Promise.all([startWorker(q), startWorker(q)]);
    const { run, progress } = await distributed(q);
    assert.equal(run.results.selection.method, 'cv');
    assert.equal(run.results.selection.best, local.results.selection.best);
    for (const f of ['model.json', 'preprocessor.json', 'profile.json'])
      assert.equal(read(run, f), read(local, f), f);
    assert.deepEqual(
      run.results.models.map((m) => m.cv?.folds),
      local.results.models.map((m) => m.cv?.folds),
    );
    // 4 candidates × 5 folds, 4 refits, and calibration's difficulty models.
    assert.ok(progress.queued >= 24, `${progress.queued} jobs`);
    assert.equal(progress.done, progress.queued);
    assert.equal(progress.failed, 0);
    assert.equal(progress.running, 0);
    assert.equal(progress.workers.size, 2, 'both workers took jobs');
  });

  it('a worker killed mid-job: its job runs again elsewhere, the result is the same, nothing failed', async () => {
    const q = `tabflow-test-${process.pid}-kill`;
    queues.push(q);
    const victim = await startWorker(q, 2);
    let killed = false;
    const { run, progress } = await distributed(q, (p) => {
      const busy = [...p.workers.values()].some((w) => w.running > 0);
      if (!killed && busy && p.done >= 2) {
        killed = true;
        victim.kill('SIGKILL');
        // The survivor notices the stalled job (its own check runs every lock period).
        startWorker(q, 2).catch(() => {});
      }
    });
    assert.ok(killed, 'the worker was killed during the run');
    assert.ok(
      progress.retried >= 1,
      `the killed worker's job was queued again (retried ${progress.retried})`,
    );
    assert.equal(progress.failed, 0);
    assert.equal(progress.done, progress.queued, 'every job done exactly once');
    for (const f of ['model.json', 'preprocessor.json']) assert.equal(read(run, f), read(local, f), f);
  });

  // Restarts the Redis service: only where the services are this suite's own (CI) or on request.
  const faults = process.env.TABFLOW_REQUIRE_SERVICES === '1' || process.env.TABFLOW_FAULT_TESTS === '1';
  it('Redis restarted (no persistence) mid-run: lost jobs are queued again, the result is the same', {
    skip: !faults && 'set TABFLOW_FAULT_TESTS=1 (restarts the Redis service)',
  }, async () => {
    const q = `tabflow-test-${process.pid}-restart`;
    queues.push(q);
    await Promise.all([startWorker(q, 2), startWorker(q, 2)]);
    let restarted = false;
    try {
      const { run, progress } = await distributed(q, (p) => {
        if (!restarted && p.done >= 3) {
          restarted = true;
          restartRedis();
        }
      });
      assert.ok(restarted);
      assert.ok(
        progress.lost >= 1,
        `jobs in flight were lost with Redis and queued again (lost ${progress.lost})`,
      );
      assert.equal(progress.failed, 0);
      assert.equal(progress.done, progress.queued);
      for (const f of ['model.json', 'preprocessor.json']) assert.equal(read(run, f), read(local, f), f);
    } finally {
      ensureRedis();
    }
  });
});

const REDIS_ARGS = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
];

/** Stop Redis without saving (every key gone) and start it again, as a service restart would. */
function restartRedis(): void {
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave']);
  ensureRedis();
}

/** Start Redis if it does not answer (the suite never leaves it stopped). */
function ensureRedis(): void {
  for (let i = 0; i < 50; i++) {
    if (
      spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], {
        encoding: 'utf8',
      }).stdout?.includes('PONG')
    )
      return;
    if (i === 0 || i === 10) spawnSync('redis-server', REDIS_ARGS);
    spawnSync('sleep', ['0.1']);
  }
}
