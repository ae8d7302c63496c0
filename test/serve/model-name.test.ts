/**
 * Issue 11, item 16 (server half): answers name the registered model (`tabflow train --name`,
 * "default" unless given), its version and stage when served from the registry, and the model
 * family apart — `model.name` used to be the family ("gbdt"). The same in every row, in /ready,
 * /metadata, the OpenAPI title and the start-up line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InferencePipeline } from '../../src/inference/index.js';
import { createServer, StageFollower } from '../../src/serve/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { concreteRecords, TARGET } from './model-fixture.js';
import { fakePipeline } from './stage-fixture.js';

const rows = concreteRecords(3);
const json = (r: { body: string }) => JSON.parse(r.body);
let models: string;
let runId: string;

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-model-name-'));
  models = join(root, 'models');
  const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET, '--models', 'ridge'];
  const r = await tabflowInProcess([...args, '--name', 'strength', '--out', models], root);
  assert.equal(r.code, 0, r.stderr);
  [runId] = readdirSync(join(models, 'runs'));
});

test('served from the registry: the registered name, version and stage, and the family apart', async () => {
  const load = (dir: string) => InferencePipeline.load(dir);
  const source = await StageFollower.open({ link: join(models, 'production'), load, pollMs: 0 });
  const app = await createServer({ source });
  const want = { name: 'strength', family: 'ridge', run_id: runId, version: 1, stage: 'production' };
  const r = await app.inject({ method: 'POST', url: '/predict', payload: rows });
  assert.equal(r.statusCode, 200, r.body);
  const body = json(r);
  assert.deepEqual(body.model, want);
  for (const p of body.predictions) assert.deepEqual(p.model, want);
  assert.deepEqual(json(await app.inject({ url: '/ready' })).model, want);
  const md = json(await app.inject({ url: '/metadata' })).model;
  assert.deepEqual([md.name, md.family, md.kind, md.version], ['strength', 'ridge', 'ridge', 1]);
  const title = json(await app.inject({ url: '/openapi.json' })).info.title;
  assert.equal(title, `tabflow model strength (ridge, run ${runId}, version 1)`);
  await app.close();
});

test('a run folder: the name it was registered under (metadata.json), no version', async () => {
  const pipeline = InferencePipeline.load(join(models, 'runs', runId));
  const app = await createServer({ pipeline });
  const body = json(await app.inject({ method: 'POST', url: '/predict', payload: rows[0] }));
  const want = { name: 'strength', family: 'ridge', run_id: runId, version: null, stage: null };
  assert.deepEqual(body.model, want);
  assert.deepEqual(body.predictions[0].model, want);
  await app.close();
});

test('a pipeline without a registration: name null, the family still given', async () => {
  const app = await createServer({ pipeline: fakePipeline('run-f', 0) });
  const body = json(await app.inject({ method: 'POST', url: '/predict', payload: { x: 1 } }));
  assert.deepEqual(body.model, { name: null, family: 'fake', run_id: 'run-f', version: null, stage: null });
  await app.close();
});

test('tabflow serve prints the registered name, version and family', { timeout: 60_000 }, async () => {
  const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
  const args = ['serve', '--models-dir', models, '--port', '0', '--no-log'];
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TABFLOW_ADMIN_TOKEN: '', TABFLOW_ENV: '' },
  });
  let stderr = '';
  const line = await new Promise<string>((res, rej) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /tabflow serve: .*/.exec(stderr);
      if (m && stderr.includes('\n')) res(m[0]);
    });
    child.on('exit', () => rej(new Error(`serve exited early:\n${stderr}`)));
  });
  child.kill('SIGTERM');
  assert.match(line, new RegExp(`^tabflow serve: strength v1 \\(ridge, run ${runId}\\) at http://`));
});
