/**
 * A distributed run whose registry and artifact store are PostgreSQL, through a restart of the
 * server (`pg_ctlcluster … restart`), with two `tabflow worker` processes on the Redis queue.
 * The workers never talk to PostgreSQL (a fold's rows reach them through Redis), so a restart
 * while they fit costs nothing; the trainer meets the outage when it saves, registers and
 * publishes the run, and waits for the server there (`storage.wait_s`). Every case counts the
 * jobs (none lost, failed or run twice), the versions and events registered (one each) and
 * compares the run with a local one, byte for byte. A server away for longer than the wait is a
 * clear error naming the store and what to do, exit 1, no stack trace; the workers live on and
 * the next run succeeds. Connections cut again and again while the run saves (as a restart cuts
 * them: mid-statement, or between two statements of a transaction) never crash the trainer.
 *
 * Restarts and stops the machine's PostgreSQL, so it runs only when asked
 * (TABFLOW_TEST_PG_OUTAGE=1: .ci/run runs it alone after `npm test`), and always starts the
 * server again, whatever happens.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256 } from '../../src/artifacts/run-folder.js';
import { resolveConfigUnknown } from '../../src/config/config.js';
import type { StoreWait } from '../../src/promotion/register-run.js';
import type { QueueProgress } from '../../src/queue/progress.js';
import { openQueueRunner } from '../../src/queue/queue-runner.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { publishRun, runManifest } from '../../src/registry/run-publication.js';
import { openArtifactStore } from '../../src/store/artifacts/index.js';
import { useStorage } from '../../src/store/storage-setting.js';
import { type RunSummary, TrainingPipeline } from '../../src/train/training-pipeline.js';
import { TmpDir } from '../data/tmp-files.js';
import { tabflowAsync } from '../helpers/cli.js';
import { pgQuery } from '../helpers/pg-schema.js';
import {
  dropSchemas,
  ensurePostgres,
  freshSchema,
  pgctl,
  pgRestart,
  postgresGone,
  postgresMissing,
} from '../helpers/postgres.js';
import { dropQueue, redisSkip, TEST_REDIS } from '../helpers/redis.js';
import { concreteRun, startWorker, stopWorkers } from './queue-fixture.js';

const skip =
  process.env.TABFLOW_TEST_PG_OUTAGE === '1'
    ? (await postgresMissing()) || (await redisSkip())
    : 'restarts PostgreSQL: set TABFLOW_TEST_PG_OUTAGE=1 (.ci/run runs it alone after npm test)';

const tmp = new TmpDir();
const q = `tabflow-test-${process.pid}-pg-restart`;
const now = () => new Date('2026-12-01T00:00:00Z');
const COMPARED = ['model.json', 'preprocessor.json', 'profile.json'];
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

/** One distributed run on fresh PostgreSQL storage: the run, its jobs and the save's waits. */
interface Outcome {
  run: RunSummary;
  progress: QueueProgress;
  waits: StoreWait[];
  uri: string;
  dir: string;
}

/**
 * End every other client connection to the test database, every 25 ms for `ms`, as a restart's
 * fast shutdown does (in the middle of a statement, or between two of a transaction); returns
 * how many were ended.
 */
async function cutConnections(ms: number): Promise<number> {
  let n = 0;
  for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(25)) {
    const r = await pgQuery(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    n += Number(r.rows[0].n);
  }
  return n;
}

describe('a distributed run on PostgreSQL storage through a PostgreSQL restart', {
  skip,
  timeout: 300_000,
}, () => {
  let local: RunSummary;
  let workers: ChildProcess[] = [];
  before(async () => {
    local = await new TrainingPipeline(resolveConfigUnknown(concreteRun(tmp.path('local'))), { now }).run();
    workers = await Promise.all([startWorker(q), startWorker(q)]);
  });
  after(async () => {
    await ensurePostgres();
    stopWorkers();
    useStorage({});
    await dropQueue(q).catch(() => {});
    await dropSchemas();
    tmp.remove();
  });

  /** Train on the queue into `name` with the registry and artifact store in a fresh schema. */
  async function distributed(
    name: string,
    hooks: {
      onProgress?: (p: QueueProgress) => void;
      beforePublish?: () => Promise<void>;
      onSave?: () => void;
    } = {},
  ): Promise<Outcome> {
    const { uri } = freshSchema();
    useStorage({ uri });
    const dir = tmp.path(name);
    const store = await openArtifactStore(uri);
    const runner = await openQueueRunner(TEST_REDIS, { queueName: q, onProgress: hooks.onProgress });
    const waits: StoreWait[] = [];
    try {
      const run = await new TrainingPipeline(resolveConfigUnknown(concreteRun(dir)), {
        now,
        runner,
        publish: async (runDir) => {
          await hooks.beforePublish?.();
          return publishRun(store, runDir);
        },
        storeWaitS: 60,
        onEvent: (e) => {
          if (e.type === 'store_wait') waits.push(e.wait);
          if (e.type === 'stage_start' && e.stage === 'save') hooks.onSave?.();
        },
      }).run();
      return { run, progress: runner.progress(), waits, uri, dir };
    } finally {
      await runner.close();
      await store.close();
    }
  }

  /** The run is the local one, every job ran once, one version registered and published. */
  async function assertComplete(o: Outcome): Promise<void> {
    const { run, progress } = o;
    assert.equal(run.results.selection.best, local.results.selection.best);
    for (const f of COMPARED) assert.equal(read(run.runDir, f), read(local.runDir, f), f);
    assert.ok(progress.queued >= 24, `${progress.queued} jobs`);
    assert.equal(progress.done, progress.queued, 'every job done exactly once');
    assert.equal(progress.failed, 0);
    assert.equal(progress.lost, 0, 'no job lost');
    assert.equal(progress.running, 0);
    assert.equal(progress.workers.size, 2, 'both workers took jobs');
    assert.deepEqual(run.stages, ['dev', 'production']);

    useStorage({ uri: o.uri });
    const reg = await ModelRegistry.open(o.dir);
    try {
      const versions = await reg.list();
      assert.deepEqual(
        versions.map((v) => [v.version, v.run_id, v.stages]),
        [[1, run.runId, ['dev', 'production']]],
        'one version, in dev and production',
      );
      const events = (await reg.history()).map((e) => `${e.type} ${e.stage ?? ''}`.trim());
      assert.deepEqual(events, ['register', 'promote dev', 'promote production'], 'each step recorded once');
      const store = await openArtifactStore(o.uri);
      try {
        const { manifest } = await runManifest(store, run.runId, {
          metadataSha256: versions[0].metadata_sha256,
        });
        for (const f of COMPARED) {
          assert.equal(
            manifest.files[f]?.sha256,
            sha256(readFileSync(join(local.runDir, f))),
            `published ${f}`,
          );
        }
      } finally {
        await store.close();
      }
    } finally {
      await reg.close();
    }
  }

  it('restarted while the workers fit: the run is the local one, nothing lost or counted twice', async (t) => {
    let restart: Promise<void> | undefined;
    let doneAtRestart = -1;
    const o = await distributed('mid-fit', {
      onProgress: (p) => {
        if (restart || p.done < 3) return;
        doneAtRestart = p.done;
        restart = pgRestart();
      },
    });
    await restart;
    await ensurePostgres(); // accepting connections again before the next test
    assert.ok(
      doneAtRestart >= 3 && doneAtRestart < o.progress.queued,
      `restarted after ${doneAtRestart} jobs`,
    );
    await assertComplete(o);
    t.diagnostic(
      `restart after ${doneAtRestart}/${o.progress.queued} jobs; the save waited ${o.waits.length}×`,
    );
  });

  it('down when the run is published: the save waits for the server and completes', async (t) => {
    let restart: Promise<void> | undefined;
    const o = await distributed('at-publish', {
      beforePublish: async () => {
        if (restart) return;
        restart = pgRestart();
        assert.ok(await postgresGone(), 'the server went down');
      },
    });
    await restart;
    await ensurePostgres(); // accepting connections again before the next test
    assert.ok(o.waits.length >= 1, 'the save met the outage');
    assert.ok(
      o.waits.every((w) => /^Cannot reach the (model registry|artifact) store postgres:\/\//.test(w.error)),
      o.waits.map((w) => w.error).join('\n'),
    );
    assert.equal(o.waits[0].step, 'publish the run');
    await assertComplete(o);
    const waited = o.waits.at(-1)!;
    t.diagnostic(
      `${o.waits.length} waits (${[...new Set(o.waits.map((w) => w.step))].join(', ')}), ` +
        `${(waited.waitedS + waited.retryInS).toFixed(1)} s`,
    );
  });

  it('connections cut again and again while it saves: no crash, the save retries and completes', async (t) => {
    let cutting: Promise<number> | undefined;
    const o = await distributed('cut', {
      onSave: () => {
        cutting = cutConnections(1500);
      },
    });
    const cut = await cutting;
    assert.ok(cut !== undefined && cut >= 1, `connections cut: ${cut}`);
    await assertComplete(o);
    t.diagnostic(
      `${cut} connections cut; ${o.waits.length} waits (${o.waits.map((w) => w.step).join(', ')})`,
    );
  });

  it('down for longer than storage.wait_s: tabflow train fails naming the store, the workers live on', async (t) => {
    const { uri } = freshSchema();
    const dir = tmp.path('cli');
    const cfg = join(tmp.dir, 'cli.json');
    writeFileSync(cfg, JSON.stringify(concreteRun(dir, { storage: { uri, artifacts: uri, wait_s: 2 } })));
    const args = ['train', '--config', cfg, '--queue', TEST_REDIS, '--queue-name', q];
    let stopped = false;
    let r: Awaited<ReturnType<typeof tabflowAsync>>;
    try {
      r = await tabflowAsync(args, tmp.dir, (err) => {
        // Stopped while the workers fit: the run goes on, and meets the outage when it saves.
        if (stopped || !/jobs [1-9]\d*\/\d+ done/.test(err)) return;
        stopped = true;
        pgctl('stop');
      });
    } finally {
      await ensurePostgres();
    }
    assert.ok(stopped, r.stderr);
    assert.equal(r.code, 1, r.stderr);
    const error = r.stderr.slice(r.stderr.lastIndexOf('error: '));
    assert.match(
      error,
      /^error: Cannot reach the model registry store postgres:\/\/\S+schema=tabflow_t_\w+: /,
    );
    assert.match(error, /Check that the PostgreSQL server is running/);
    assert.match(
      error,
      /\(storage\.wait_s: 2\); start the server \(or fix the URI\) and run the command again/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at |please report/, 'no stack trace');
    const waits = r.stderr.split('\n').filter((l) => l.includes('⟳ cannot'));
    assert.ok(waits.length >= 2, r.stderr);

    // The workers never noticed; the same command succeeds once the server is back.
    for (const w of workers) assert.equal(w.exitCode, null, 'worker still running');
    const again = await tabflowAsync(args, tmp.dir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /registered default v1 \(stage dev, production\)/);
    t.diagnostic(`${waits.length} waits, then: ${error.slice(0, 120)}…`);
  });
});
