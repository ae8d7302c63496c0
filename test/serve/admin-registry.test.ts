/**
 * POST /admin/promote through the real registry, as `tabflow serve` wires it: two runs trained by
 * `tabflow train` into one models folder (v1 gbdt, which becomes production; v2 ridge, clearly
 * worse on concrete). Promoting v2 is refused by the gate (409, numbers included) and the server
 * keeps v1; forced, the registry moves the stage and the server answers with v2 at once; promoting
 * v1 back passes the gate. Every step is in the registry's history and the log names the versions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InferencePipeline } from '../../src/inference/index.js';
import { openLogForReading, PredictionLog, summarizeLog } from '../../src/log/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { createServer, StageFollower } from '../../src/serve/index.js';
import { registryPromoter } from '../../src/serve/registry-promoter.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { concreteRecords, TARGET } from './model-fixture.js';

const TOKEN = 'registry-admin-token-0123456789ab';

test('admin promote through the registry: refused by the gate (409), forced, passed; the server follows', {
  timeout: 90_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-admin-reg-'));
  const train = async (models: string) => {
    const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET, '--models', models];
    const r = await tabflowInProcess([...args, '--out', root], root);
    if (r.code !== 0) throw new Error(`training failed (${r.code}):\n${r.stderr}`);
  };
  await train('gbdt');
  await train('ridge');
  const source = await StageFollower.open({
    link: join(root, 'production'),
    load: (dir) => InferencePipeline.load(dir),
    pollMs: 0,
    stage: 'production',
  });
  const log = await PredictionLog.open(join(root, 'predictions.sqlite'), { flushMs: 20 });
  const app = await createServer({
    source,
    log,
    admin: { token: TOKEN, promote: registryPromoter(root, {}) },
  });
  const rows = concreteRecords(5);
  const predict = async () =>
    JSON.parse((await app.inject({ method: 'POST', url: '/predict', payload: rows })).body).model;
  const promote = async (body: object) => {
    const r = await app.inject({
      method: 'POST',
      url: '/admin/promote',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: body,
    });
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };
  assert.deepEqual(await predict(), {
    name: 'default',
    family: 'gbdt',
    run_id: source.current().pipeline.runId,
    version: 1,
    stage: 'production',
  });

  const refused = await promote({ version: 2, stage: 'production', reason: 'try ridge' });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.equal(refused.body.decision.decision, 'refused');
  assert.ok(refused.body.decision.candidate > refused.body.decision.incumbent, 'ridge has the larger rmse');
  assert.equal(refused.body.reload.status, 'unchanged');
  assert.equal((await predict()).version, 1);

  const forced = await promote({ version: 'v2', stage: 'production', force: true, reason: 'load test' });
  assert.equal(forced.status, 200, JSON.stringify(forced.body));
  assert.equal(forced.body.decision.decision, 'forced');
  assert.deepEqual([forced.body.reload.status, forced.body.reload.model.version], ['loaded', 2]);
  assert.deepEqual(await predict(), {
    name: 'default',
    family: 'ridge',
    run_id: source.current().pipeline.runId,
    version: 2,
    stage: 'production',
  });

  const back = await promote({ version: 1, stage: 'production' });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.decision.decision, 'passed');
  assert.equal((await predict()).version, 1);
  // Wrong references are the registry's usage errors (400), nothing moves.
  const unknown = await promote({ version: 9, stage: 'production', force: true });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.message, /Version 9 does not exist/);
  await app.close();

  const reg = await ModelRegistry.open(root);
  const history = (await reg.history()).map((e) => (e as { type: string }).type);
  assert.equal((await reg.stageVersion('production'))?.version, 1);
  await reg.close();
  assert.ok(history.length >= 3, JSON.stringify(history));
  const db = await openLogForReading(join(root, 'predictions.sqlite'));
  assert.deepEqual(
    (await summarizeLog(db)).by_run.map((r) => [r.model_version, r.model_name, r.rows]),
    [
      [1, 'gbdt', 15],
      [2, 'ridge', 5],
    ],
  );
  await db.close();
});
