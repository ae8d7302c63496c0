/**
 * GET /monitoring with a large log: `window` is capped (400 naming the parameter, the value and
 * the range), and the report is computed off the event loop, so /health answers promptly while a
 * 40,000-row window is judged.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { before, test } from 'node:test';
import { PROFILE_FILE } from '../../src/artifacts/run-folder.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { PredictionLog } from '../../src/log/index.js';
import { createServer, fixedModel } from '../../src/serve/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { concreteRecords, TARGET } from './model-fixture.js';

const ROWS = 40_000;
let model: string;
let logFile: string;

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-monitoring-'));
  const data = join(DATA_DIR, 'concrete.csv');
  const r = await tabflowInProcess(
    ['train', '--data', data, '--target', TARGET, '--models', 'ridge', '--out', root],
    root,
  );
  assert.equal(r.code, 0, r.stderr);
  model = join(root, 'production');
  // A log of 40,000 served rows of this model (concrete's rows, slightly shifted).
  const p = InferencePipeline.load(model);
  logFile = join(root, 'predictions.sqlite');
  const log = await PredictionLog.open(logFile, { batchSize: 5000 });
  const records = concreteRecords(1000);
  const t0 = Date.now() - ROWS;
  for (let i = 0; i < ROWS; i++) {
    const features = { ...records[i % 1000], age: records[i % 1000].age + (i % 7) };
    log.append({
      requestId: `r${i}`,
      row: 0,
      ts: t0 + i,
      modelName: p.modelName,
      runId: p.runId,
      status: 'ok',
      prediction: 30 + (i % 10),
      features,
    });
  }
  await log.close();
});

async function server() {
  const log = await PredictionLog.open(logFile);
  return createServer({ source: fixedModel(InferencePipeline.load(model), { dir: model }), log });
}

test('?window= above the cap, or not an integer, is a 400 naming the parameter, the value and the range', async () => {
  const app = await server();
  for (const w of ['99999999999', '100001', '0', '1.5', 'all']) {
    const r = await app.inject({ method: 'GET', url: `/monitoring?window=${w}` });
    assert.equal(r.statusCode, 400, w);
    const body = JSON.parse(r.body);
    assert.equal(body.issues[0].path, 'query.window');
    assert.match(
      body.issues[0].message,
      new RegExp(`window= must be an integer from 1 to 100000, got .*${w}`),
    );
  }
  await app.close();
});

test('a 40,000-row report does not block the event loop: /health answers while it is computed', async (t) => {
  const app = await server();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  let done = false;
  const report = app.inject({ method: 'GET', url: `/monitoring?window=${ROWS}` }).then((r) => {
    done = true;
    return r;
  });
  const health: number[] = [];
  while (!done) {
    const h0 = performance.now();
    const h = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(h.statusCode, 200);
    if (!done) health.push(performance.now() - h0);
    await new Promise((r) => setTimeout(r, 20));
  }
  const r = await report;
  const ms = performance.now() - t0;
  delay.disable();
  assert.equal(r.statusCode, 200, r.body);
  const body = JSON.parse(r.body);
  assert.equal(body.window.rows, ROWS);
  assert.ok(body.drift, 'a drift report over the window');
  const maxDelayMs = delay.max / 1e6;
  const slowest = Math.max(...health);
  t.diagnostic(
    `report ${ms.toFixed(0)} ms; ${health.length} /health answers meanwhile, slowest ${slowest.toFixed(1)} ms; ` +
      `longest event-loop stall ${maxDelayMs.toFixed(1)} ms`,
  );
  // In-thread, the loop stalls for the whole report (one delay ≈ its duration); here it never
  // stalls for more than a fraction of it (generous: the machine is shared).
  assert.ok(health.length >= 5, `only ${health.length} /health answers during ${ms.toFixed(0)} ms`);
  assert.ok(
    maxDelayMs < Math.max(250, ms / 3),
    `event loop stalled ${maxDelayMs.toFixed(0)} ms of ${ms.toFixed(0)}`,
  );
  assert.ok(slowest < Math.max(250, ms / 3), `slowest /health ${slowest.toFixed(0)} ms of ${ms.toFixed(0)}`);
  await app.close();
});

test('identical reports asked together share one computation', async () => {
  const app = await server();
  const [a, b] = await Promise.all([
    app.inject({ method: 'GET', url: '/monitoring?window=500' }),
    app.inject({ method: 'GET', url: '/monitoring?window=500' }),
  ]);
  assert.equal(a.statusCode, 200);
  assert.equal(a.body.replace(/"generated_at":"[^"]+"/, ''), b.body.replace(/"generated_at":"[^"]+"/, ''));
  await app.close();
});

test('an error on the monitoring thread keeps its code and status (a tampered reference profile)', async () => {
  const copy = join(mkdtempSync(join(tmpdir(), 'tabflow-monitoring-copy-')), 'run');
  cpSync(realpathSync(model), copy, { recursive: true });
  const source = fixedModel(InferencePipeline.load(copy), { dir: copy });
  const app = await createServer({ source, log: await PredictionLog.open(logFile) });
  writeFileSync(join(copy, PROFILE_FILE), '{}');
  const r = await app.inject({ method: 'GET', url: '/monitoring?window=10' });
  const body = JSON.parse(r.body);
  assert.equal(body.error, 'artifact_mismatch', r.body);
  assert.match(body.message, new RegExp(`${PROFILE_FILE}.*sha256`));
  await app.close();
});
