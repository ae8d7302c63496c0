/**
 * Hot reload under load, on a real socket with real models: two runs trained by `tabflow train`
 * on concrete.csv (ridge; gbdt with another seed) are published as versions 1 and 2 of the
 * production stage, and the stage link is moved back and forth (promotion, rollback) while
 * concurrent clients send predictions. Half of the moves are noticed by polling, half by
 * POST /admin/reload. Then:
 *   - zero failed requests;
 *   - every response names its version, and its numbers are that version's predictions;
 *   - a request sent after a swap completed gets the new version, one answered before it the old;
 *   - every logged row carries the version and run of the response it belongs to.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { InferencePipeline } from '../../src/inference/index.js';
import { openLogForReading, PredictionLog, readLog } from '../../src/log/index.js';
import { createServer, StageFollower } from '../../src/serve/index.js';
import { tabflow } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { concreteRecords, TARGET } from './model-fixture.js';
import { pointStage, releaseFromRun } from './stage-fixture.js';

const ROWS = concreteRecords(200);
const TOKEN = 'load-test-admin-token-0123456789';
let runs: { dir: string; runId: string; expected: number[] }[];

/** Train one run into a fresh folder; its run folder and its library predictions of ROWS. */
function trainRun(models: string, seed: number) {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-hot-train-'));
  const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET];
  const r = tabflow([...args, '--models', models, '--seed', String(seed), '--out', root], root);
  if (r.code !== 0) throw new Error(`training failed (${r.code}):\n${r.stderr}`);
  const [runId] = readdirSync(join(root, 'runs'));
  const dir = join(root, 'runs', runId);
  const p = InferencePipeline.load(dir);
  return { dir, runId, expected: p.predict(ROWS).map((x) => x.prediction as number) };
}

before(() => {
  runs = [trainRun('ridge', 1), trainRun('gbdt', 7)];
});

interface Answer {
  request: string;
  version: number;
  runId: string;
  rows: number;
  sent: number;
  answered: number;
}

test('moving the production stage back and forth under traffic: zero failures, every answer and log row names its version', {
  timeout: 60_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-hot-'));
  const runOf = (v: number) => runs[(v - 1) % 2];
  let nextVersion = 1;
  /** A fresh release folder per move, as the registry writes one per promotion or rollback. */
  const publish = (v: number) => {
    pointStage(
      root,
      'production',
      releaseFromRun(root, runOf(v).dir, { version: v, stage: 'production', runId: runOf(v).runId }),
    );
  };
  publish(nextVersion);
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
  swaps.push({ version: 1, at: Date.now() });
  const logFile = join(root, 'predictions.sqlite');
  const log = new PredictionLog(logFile, { batchSize: 256, flushMs: 50 });
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
          request_id?: string;
          predictions: (number | { prediction: number })[];
        };
        if (res.status !== 200) {
          failures.push(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
          continue;
        }
        const version = Number(res.headers.get('x-tabflow-model-version'));
        const runId = String(res.headers.get('x-tabflow-run-id'));
        if (!mlflow) {
          assert.deepEqual([body.model?.version, body.model?.run_id], [version, runId]);
        }
        assert.equal(runId, runOf(version).runId, `version ${version} answered with run ${runId}`);
        const got = body.predictions.map((p) => (typeof p === 'number' ? p : p.prediction));
        assert.deepEqual(got, runOf(version).expected.slice(start, start + n));
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
  const clients = Array.from({ length: 8 }, (_, c) => client(c));

  const MOVES = 10;
  for (let k = 0; k < MOVES; k++) {
    await new Promise((r) => setTimeout(r, 250));
    // Promote the other version (2 after 1, a rollback to 1 after 2, ...).
    nextVersion = nextVersion === 1 ? 2 : 1;
    publish(nextVersion);
    if (k % 2 === 1) {
      const r = await fetch(`${base}/admin/reload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(r.status, 200);
      const body = (await r.json()) as { model: { version: number } };
      assert.equal(body.model.version, nextVersion);
    } else {
      const t0 = Date.now();
      while (source.current().version !== nextVersion && Date.now() - t0 < 5000) {
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(source.current().version, nextVersion, 'polling picked up the move');
    }
  }
  await new Promise((r) => setTimeout(r, 250));
  stop = true;
  await Promise.all(clients);
  await app.close();

  assert.deepEqual(failures, []);
  assert.equal(source.counters.swaps, MOVES);
  assert.equal(source.counters.failures, 0);
  assert.deepEqual(
    swaps.map((s) => s.version),
    Array.from({ length: MOVES + 1 }, (_, i) => (i % 2) + 1),
  );
  // Requests wholly inside one model's time window got that model.
  let checked = 0;
  const perWindow = new Array(swaps.length).fill(0);
  for (const a of answers) {
    for (let w = 0; w < swaps.length; w++) {
      const from = swaps[w].at;
      const to = w + 1 < swaps.length ? swaps[w + 1].at : Number.POSITIVE_INFINITY;
      if (a.sent >= from && a.answered < to) {
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
  const db = openLogForReading(logFile);
  let logged = 0;
  for (const r of readLog(db)) {
    const a = byRequest.get(r.request_id);
    assert.ok(a, `log row of unknown request ${r.request_id}`);
    assert.deepEqual([r.model_version, r.run_id, r.stage], [a.version, a.runId, 'production']);
    logged++;
  }
  db.close();
  assert.equal(
    logged,
    answers.reduce((s, a) => s + a.rows, 0),
  );
  const v1 = answers.filter((a) => a.version === 1).length;
  console.log(
    `hot reload under load: ${answers.length} requests (${logged} rows) from 8 clients, ` +
      `${failures.length} failed, ${source.counters.swaps} swaps; v1 ${v1}, v2 ${answers.length - v1} answers; ` +
      `${checked} checked against their window`,
  );
});
