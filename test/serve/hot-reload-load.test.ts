/**
 * Hot reload under load, on a real socket with real models: two runs trained by `tabflow train`
 * on concrete.csv into one models folder (v1 ridge, v2 gbdt with another seed), and the production
 * stage moved back and forth while 8 concurrent clients send predictions:
 *   1. by hand, the way the registry moves a link (fresh release folder, new link renamed over
 *      the old), 10 times; half the moves noticed by polling, half by POST /admin/reload;
 *   2. by the registry itself: `promote v2 --to production` and `rollback --stage production`,
 *      6 times, noticed by polling.
 * Then, each time:
 *   - zero failed requests;
 *   - every response names its version, and its numbers are that version's predictions;
 *   - a request sent after a swap completed gets the new version, one answered before it the old;
 *   - every logged row carries the version and run of the response it belongs to.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, type TestContext, test } from 'node:test';
import { InferencePipeline } from '../../src/inference/index.js';
import { openLogForReading, PredictionLog, readLog } from '../../src/log/index.js';
import { promote } from '../../src/promotion/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { createServer, type ModelSource, StageFollower } from '../../src/serve/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { reportFigures } from '../helpers/reliability.js';
import { concreteRecords, TARGET } from './model-fixture.js';
import { pointStage, releaseFromRun } from './stage-fixture.js';

const ROWS = concreteRecords(200);
const TOKEN = 'load-test-admin-token-0123456789';
const CLIENTS = 8;
/** The registry's models folder, and per version: run folder, run id, library predictions of ROWS. */
let registryRoot: string;
const runs = new Map<number, { dir: string; runId: string; expected: number[] }>();

before(async () => {
  registryRoot = mkdtempSync(join(tmpdir(), 'tabflow-hot-train-'));
  for (const [models, seed] of [
    ['ridge', 1],
    ['gbdt', 7],
  ] as const) {
    const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET, '--models', models];
    const r = await tabflowInProcess([...args, '--seed', String(seed), '--out', registryRoot], registryRoot);
    if (r.code !== 0) throw new Error(`training failed (${r.code}):\n${r.stderr}`);
  }
  const reg = await ModelRegistry.open(registryRoot);
  for (const v of [1, 2]) {
    const rec = await reg.get(v);
    const p = InferencePipeline.load(rec.run_path);
    runs.set(v, {
      dir: rec.run_path,
      runId: rec.run_id,
      expected: p.predict(ROWS).map((x) => x.prediction as number),
    });
  }
  assert.equal((await reg.stageVersion('production'))?.version, 1);
  await reg.close();
});

interface Answer {
  request: string;
  version: number;
  runId: string;
  rows: number;
  sent: number;
  answered: number;
}

/**
 * Serve the production stage of `root` under traffic while `move(k, base)` moves it `moves` times
 * (and waits until the server serves the new version); check everything listed above.
 */
async function underTraffic(
  t: TestContext,
  run: string,
  root: string,
  moves: number,
  move: (k: number, base: string, source: ModelSource) => Promise<number>,
) {
  const swaps: { version: number; at: number }[] = [];
  const logger = {
    info: (o: object) => swaps.push({ version: (o as { version: number }).version, at: Date.now() }),
    warn() {},
    error: (o: object) => assert.fail(`reload failed: ${JSON.stringify(o)}`),
  };
  const source = await StageFollower.open({
    link: join(root, 'production'),
    load: (dir) => InferencePipeline.load(dir),
    pollMs: 50,
    logger,
  });
  swaps.push({ version: source.current().version as number, at: Date.now() });
  const logFile = join(root, 'predictions.sqlite');
  const log = await PredictionLog.open(logFile, { batchSize: 256, flushMs: 50 });
  const app = await createServer({ source, log, admin: { token: TOKEN } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  const base = `http://127.0.0.1:${addr.port}`;

  const answers: Answer[] = [];
  const failures: string[] = [];
  let stop = false;
  const client = async (c: number) => {
    for (let i = 0; !stop; i++) {
      const start = (c * 7919 + i * 13) % 190;
      const n = 1 + ((c + i) % 3);
      const records = ROWS.slice(start, start + n);
      const sent = Date.now();
      try {
        // One client in four speaks the MLflow protocol; its answer names the version in headers.
        const mlflow = c % 4 === 3;
        const res = await fetch(`${base}${mlflow ? '/invocations' : '/predict'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(mlflow ? { dataframe_records: records } : records),
        });
        const body = (await res.json()) as {
          model?: { version: number; run_id: string };
          predictions: (number | { prediction: number })[];
        };
        if (res.status !== 200) {
          failures.push(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
          continue;
        }
        const version = Number(res.headers.get('x-tabflow-model-version'));
        const runId = String(res.headers.get('x-tabflow-run-id'));
        if (!mlflow) assert.deepEqual([body.model?.version, body.model?.run_id], [version, runId]);
        const run = runs.get(version);
        assert.equal(runId, run?.runId, `version ${version} answered with run ${runId}`);
        const got = body.predictions.map((p) => (typeof p === 'number' ? p : p.prediction));
        assert.deepEqual(got, run?.expected.slice(start, start + n));
        answers.push({
          request: String(res.headers.get('x-request-id')),
          version,
          runId,
          rows: n,
          sent,
          answered: Date.now(),
        });
      } catch (e) {
        failures.push(String(e));
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  const t0 = Date.now();
  for (let k = 0; k < moves; k++) {
    await new Promise((r) => setTimeout(r, 250));
    const want = await move(k, base, source);
    const t = Date.now();
    while (source.current().version !== want && Date.now() - t < 5000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(source.current().version, want, `move ${k} reached the server`);
  }
  await new Promise((r) => setTimeout(r, 250));
  stop = true;
  await Promise.all(clients);
  const seconds = (Date.now() - t0) / 1000;
  await app.close();

  assert.deepEqual(failures, []);
  assert.equal(source.counters.swaps, moves);
  assert.equal(source.counters.failures, 0);
  assert.equal(swaps.length, moves + 1);
  // Requests wholly inside one model's time window got that model.
  let checked = 0;
  const perWindow = new Array(swaps.length).fill(0);
  for (const a of answers) {
    for (let w = 0; w < swaps.length; w++) {
      const to = w + 1 < swaps.length ? swaps[w + 1].at : Number.POSITIVE_INFINITY;
      if (a.sent >= swaps[w].at && a.answered < to) {
        assert.equal(a.version, swaps[w].version, `request ${a.request} inside window ${w}`);
        perWindow[w]++;
        checked++;
      }
    }
  }
  // Traffic really ran through every version window.
  assert.ok(
    perWindow.every((n) => n > 0),
    `answers per window: ${perWindow}`,
  );
  assert.ok(checked > answers.length / 2, `${checked} of ${answers.length} answers inside one window`);

  // The log: one row per answered row, each with its response's version and run.
  const byRequest = new Map(answers.map((a) => [a.request, a]));
  const db = await openLogForReading(logFile);
  let logged = 0;
  for await (const r of readLog(db)) {
    const a = byRequest.get(r.request_id);
    assert.ok(a, `log row of unknown request ${r.request_id}`);
    assert.deepEqual([r.model_version, r.run_id, r.stage], [a.version, a.runId, 'production']);
    logged++;
  }
  await db.close();
  const answeredRows = answers.reduce((s, a) => s + a.rows, 0);
  assert.equal(logged, answeredRows);
  const v1 = answers.filter((a) => a.version === 1).length;
  reportFigures(t, {
    run,
    cases: answers.length,
    failures: failures.length,
    lost: answeredRows - logged,
    detail:
      `${moves} stage moves, ${CLIENTS} clients, ${seconds.toFixed(1)} s; ${logged} rows logged; ` +
      `v1 ${v1}, v2 ${answers.length - v1} answers; ${checked} checked against their swap window`,
  });
  return swaps.map((s) => s.version);
}

test('links moved by hand under traffic (polling and /admin/reload): zero failures, versions in answers and log', {
  timeout: 60_000,
}, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-hot-'));
  const publish = (v: number) => {
    const run = runs.get(v);
    assert.ok(run);
    pointStage(
      root,
      'production',
      releaseFromRun(root, run.dir, { version: v, stage: 'production', runId: run.runId }),
    );
  };
  publish(1);
  const versions = await underTraffic(t, 'load: stage links moved by hand', root, 10, async (k, base) => {
    const v = k % 2 === 0 ? 2 : 1;
    publish(v);
    if (k % 2 === 1) {
      const r = await fetch(`${base}/admin/reload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { model: { version: number } }).model.version, v);
    }
    return v;
  });
  assert.deepEqual(versions, [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
});

test('registry promote and rollback under traffic: zero failures, versions in answers and log', {
  timeout: 60_000,
}, async (t) => {
  const reg = await ModelRegistry.open(registryRoot);
  try {
    const versions = await underTraffic(t, 'load: registry promote/rollback', registryRoot, 6, async (k) => {
      if (k % 2 === 0) {
        const d = await promote(reg, 2, 'production', {
          force: true,
          reason: `load test ${k}`,
          actor: 'test',
        });
        assert.equal(d.applied, true);
        return 2;
      }
      const d = await reg.rollback('production', { reason: `load test ${k}`, actor: 'test' });
      assert.equal(d.version, 1);
      return 1;
    });
    assert.deepEqual(versions, [1, 2, 1, 2, 1, 2, 1]);
  } finally {
    await reg.close();
  }
});
