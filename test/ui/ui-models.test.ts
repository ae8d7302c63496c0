/**
 * The models page's API: the registry read as `tabflow models list` reads it; promote with the
 * gate's numbers previewed first and the same evaluation reused on confirmation (the gate runs
 * once); roll back; and every write refused without the admin token, from another origin, or
 * without the UI's header.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { GATE_CHANNEL } from '../../src/promotion/index.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { uiPlugin } from '../../src/ui/index.js';
import type { ModelsOverview } from '../../src/ui/registry-view.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { writableCopy } from './fixture.js';

const TOKEN = 'a-long-enough-admin-token';
const WRITE = { authorization: `Bearer ${TOKEN}`, 'x-tabflow-ui': '1', 'content-type': 'application/json' };

async function gatesDuring(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const on = () => {
    n++;
  };
  subscribe(GATE_CHANNEL, on);
  try {
    await fn();
  } finally {
    unsubscribe(GATE_CHANNEL, on);
  }
  return n;
}

let models: string;
let app: FastifyInstance;
let readOnly: FastifyInstance;

before(async () => {
  models = await writableCopy();
  app = Fastify();
  await app.register(uiPlugin, { modelsDir: models, adminToken: TOKEN });
  readOnly = Fastify();
  await readOnly.register(uiPlugin, { modelsDir: models });
});
after(async () => {
  await app.close();
  await readOnly.close();
});

const post = (url: string, body: object, headers: Record<string, string> = WRITE, on = app) =>
  on.inject({ method: 'POST', url, payload: body, headers });

const production = async () => {
  const reg = await ModelRegistry.open(models);
  try {
    return (await reg.stageVersion('production'))?.version ?? null;
  } finally {
    await reg.close();
  }
};

describe('GET /api/models', () => {
  it('shows the versions, stages and history the registry holds', async () => {
    const m = (await app.inject({ method: 'GET', url: '/api/models' })).json() as ModelsOverview;
    const reg = await ModelRegistry.open(models);
    try {
      assert.deepEqual(
        m.versions.map((v) => v.version),
        (await reg.list()).map((v) => v.version),
      );
      assert.equal(m.versions.length, 3);
      assert.equal(
        m.stages.find((s) => s.stage === 'production')?.version,
        (await reg.stageVersion('production'))?.version,
      );
      assert.equal(m.history.length, (await reg.history({ limit: 100 })).length);
    } finally {
      await reg.close();
    }
    assert.equal(m.writable, true);
    assert.equal(
      ((await readOnly.inject({ method: 'GET', url: '/api/models' })).json() as ModelsOverview).writable,
      false,
    );
  });
});

describe('writes', () => {
  it('are refused without the token, with a wrong one, from another origin, without the UI header, or when read-only', async () => {
    const body = { version: 2, stage: 'production' };
    const { authorization: _, ...noToken } = WRITE;
    assert.equal((await post('/api/models/preview', body, noToken)).statusCode, 401);
    assert.equal(
      (
        await post('/api/models/preview', body, {
          ...WRITE,
          authorization: 'Bearer wrong-token-of-some-length',
        })
      ).statusCode,
      403,
    );
    const cross = await post('/api/models/promote', body, { ...WRITE, origin: 'https://evil.example' });
    assert.equal(cross.statusCode, 403);
    assert.equal(cross.json().error, 'cross_origin');
    const site = await post(
      '/api/models/rollback',
      { stage: 'production' },
      { ...WRITE, 'sec-fetch-site': 'cross-site' },
    );
    assert.equal(site.json().error, 'cross_origin');
    const { 'x-tabflow-ui': __, ...noHeader } = WRITE;
    assert.equal((await post('/api/models/promote', body, noHeader)).json().error, 'missing_ui_header');
    const ro = await post('/api/models/promote', body, WRITE, readOnly);
    assert.equal(ro.statusCode, 403);
    assert.match(ro.json().message, /read-only: start it with TABFLOW_ADMIN_TOKEN/);
    assert.equal(await production(), 1, 'nothing moved');
  });

  it('name the bad field: version, stage', async () => {
    assert.match(
      (await post('/api/models/preview', { version: 'two', stage: 'production' })).json().message,
      /version must be a positive integer; got "two"/,
    );
    assert.match((await post('/api/models/preview', { version: 2, stage: 'prod' })).json().message, /prod/);
    assert.match(
      (await post('/api/models/preview', { version: 9, stage: 'production' })).json().message,
      /Version 9 does not exist/,
    );
  });

  it('promote: the gate previewed, then confirmed without running it again; roll back restores production', async () => {
    let preview:
      | { preview_id: string; decision: string; gate: { candidate: number; incumbent: number } | null }
      | undefined;
    const previewGates = await gatesDuring(async () => {
      const r = await post('/api/models/preview', { version: 2, stage: 'production' });
      assert.equal(r.statusCode, 200, r.body);
      preview = r.json();
    });
    assert.equal(previewGates, 1);
    assert.ok(
      preview?.gate && Number.isFinite(preview.gate.candidate) && Number.isFinite(preview.gate.incumbent),
    );
    assert.equal(await production(), 1, 'a preview moves nothing');
    const mismatch = await post('/api/models/promote', {
      version: 3,
      stage: 'production',
      preview_id: preview.preview_id,
    });
    assert.match(mismatch.json().message, /previewed v2 → production, not v3 → production/);
    const promoteGates = await gatesDuring(async () => {
      const r = await post('/api/models/promote', {
        version: 2,
        stage: 'production',
        preview_id: preview!.preview_id,
        force: preview!.decision === 'refused',
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().applied, true);
    });
    assert.equal(promoteGates, 0, 'the previewed evaluation decided');
    assert.equal(await production(), 2);
    const list = await tabflowInProcess(['models', 'list', '--models-dir', models], models);
    assert.match(list.stdout, /v2.*production/);
    const again = await post('/api/models/promote', {
      version: 2,
      stage: 'staging',
      preview_id: preview.preview_id,
    });
    assert.match(again.json().message, /preview_id is unknown or expired/);
    const back = await post('/api/models/rollback', { stage: 'production', reason: 'test' });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(await production(), 1);
  });
});
