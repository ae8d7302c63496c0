/**
 * Admin routes: absent without a token (404), 401 without or with a malformed Authorization
 * header, 403 with a wrong token, and with the right one: reload swaps to a moved stage (a failed
 * load answers 500 and keeps serving), promote validates its body, calls the injected registry
 * function and reloads; a gate refusal is a 409 that carries the decision.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  bearerChecker,
  createServer,
  type PromoteDecision,
  type PromoteRequest,
  StageFollower,
} from '../../src/serve/index.js';
import { fakeLoader, fakePipeline, fakeRelease, pointStage } from './stage-fixture.js';

const TOKEN = 'test-admin-token-0123456789abcdef';
const auth = (t: string) => ({ authorization: `Bearer ${t}` });

async function stageServer(promote?: (r: PromoteRequest) => Promise<PromoteDecision>) {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-admin-'));
  const rels = {
    a: fakeRelease(root, { runId: 'run-a', base: 0 }, { version: 1, stage: 'production' }),
    b: fakeRelease(root, { runId: 'run-b', base: 10 }, { version: 2, stage: 'production' }),
    bad: fakeRelease(root, { runId: 'run-bad', base: 0, broken: true }),
  };
  pointStage(root, 'production', rels.a);
  const source = await StageFollower.open({ link: join(root, 'production'), load: fakeLoader(), pollMs: 0 });
  const app = await createServer({ source, admin: { token: TOKEN, promote } });
  return { root, rels, app, source };
}

test('bearerChecker: missing, malformed, wrong, ok', () => {
  const check = bearerChecker(TOKEN);
  assert.equal(check(undefined), 'missing');
  assert.equal(check(''), 'missing');
  assert.equal(check(`Basic ${TOKEN}`), 'malformed');
  assert.equal(check('Bearer'), 'malformed');
  assert.equal(check(`Bearer ${TOKEN} extra`), 'malformed');
  assert.equal(check(['Bearer a', 'Bearer b']), 'malformed');
  assert.equal(check(`Bearer ${TOKEN}x`), 'wrong');
  assert.equal(check(`Bearer ${TOKEN.slice(0, -1)}`), 'wrong');
  assert.equal(check('Bearer x'), 'wrong');
  assert.equal(check(`Bearer ${TOKEN}`), 'ok');
  assert.throws(() => bearerChecker(''), /empty/);
});

test('no token configured: the admin routes do not exist', async () => {
  const app = await createServer({ pipeline: fakePipeline('r', 0) });
  for (const url of ['/admin/reload', '/admin/promote']) {
    const r = await app.inject({ method: 'POST', url, headers: auth(TOKEN), payload: {} });
    assert.equal(r.statusCode, 404, url);
    assert.equal(JSON.parse(r.body).error, 'not_found');
  }
  const spec = JSON.parse((await app.inject({ url: '/openapi.json' })).body);
  assert.equal(spec.paths['/admin/reload'], undefined);
  await app.close();
});

test('401 without or with a malformed header, 403 with a wrong token — before the body is read', async () => {
  const { app, source } = await stageServer();
  for (const url of ['/admin/reload', '/admin/promote']) {
    const none = await app.inject({ method: 'POST', url });
    assert.equal(none.statusCode, 401, url);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="tabflow-admin"');
    assert.equal(JSON.parse(none.body).error, 'unauthorized');
    const basic = await app.inject({ method: 'POST', url, headers: { authorization: `Basic ${TOKEN}` } });
    assert.equal(basic.statusCode, 401);
    assert.match(JSON.parse(basic.body).message, /must be "Bearer <token>"/);
    // A wrong token with a body that is not even JSON: refused on the token, not the body.
    const wrong = await app.inject({
      method: 'POST',
      url,
      headers: { ...auth('not-the-token'), 'content-type': 'application/json' },
      payload: '{oops',
    });
    assert.equal(wrong.statusCode, 403);
    assert.equal(JSON.parse(wrong.body).error, 'forbidden');
    assert.doesNotMatch(wrong.body, new RegExp(TOKEN));
  }
  assert.equal(source.current().pipeline.runId, 'run-a');
  await app.close();
});

test('POST /admin/reload: unchanged, swapped, failed (old model kept, 500), and a fixed model', async () => {
  const { root, rels, app, source } = await stageServer();
  const reload = async () => {
    const r = await app.inject({ method: 'POST', url: '/admin/reload', headers: auth(TOKEN) });
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };
  let r = await reload();
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'unchanged');
  assert.equal(r.body.model.run_id, 'run-a');

  pointStage(root, 'production', rels.b);
  r = await reload();
  assert.deepEqual(
    [r.status, r.body.status, r.body.model.version, r.body.previous.version],
    [200, 'loaded', 2, 1],
  );
  const p = JSON.parse((await app.inject({ method: 'POST', url: '/predict', payload: { x: 1 } })).body);
  assert.deepEqual([p.model.run_id, p.predictions[0].prediction], ['run-b', 11]);

  pointStage(root, 'production', rels.bad);
  r = await reload();
  assert.equal(r.status, 500);
  assert.equal(r.body.error, 'reload_failed');
  assert.match(r.body.message, /still serving run run-b: fake release run-bad is broken/);
  assert.equal(r.body.model.run_id, 'run-b');
  assert.equal(source.current().pipeline.runId, 'run-b');
  const metrics = (await app.inject({ url: '/metrics' })).body;
  assert.match(metrics, /tabflow_model_reloads_total\{result="failed"\} 1/);
  await app.close();

  const fixed = await createServer({ pipeline: fakePipeline('r', 0), admin: { token: TOKEN } });
  const f = await fixed.inject({ method: 'POST', url: '/admin/reload', headers: auth(TOKEN) });
  assert.equal(f.statusCode, 200);
  assert.equal(JSON.parse(f.body).status, 'fixed');
  // No registry wired: promote is not available.
  const np = await fixed.inject({
    method: 'POST',
    url: '/admin/promote',
    headers: auth(TOKEN),
    payload: { version: 2, stage: 'production' },
  });
  assert.equal(np.statusCode, 501);
  assert.equal(JSON.parse(np.body).error, 'registry_not_available');
  await fixed.close();
});

test('POST /admin/promote: validated body, the injected registry decides, then the server reloads', async () => {
  const asked: PromoteRequest[] = [];
  let ctx: Awaited<ReturnType<typeof stageServer>> | undefined;
  const promote = async (req: PromoteRequest): Promise<PromoteDecision> => {
    asked.push(req);
    if (req.version === 'v9') return { decision: 'refused', applied: false, candidate: 5.1, incumbent: 4.9 };
    // The registry moves the stage link; the server must pick it up before answering.
    if (ctx) pointStage(ctx.root, 'production', ctx.rels.b);
    return { decision: req.force ? 'forced' : 'passed', applied: true, version: 2 };
  };
  ctx = await stageServer(promote);
  const { app } = ctx;
  const post = async (payload: unknown) => {
    const r = await app.inject({
      method: 'POST',
      url: '/admin/promote',
      headers: auth(TOKEN),
      payload: payload as object,
    });
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };
  const bad = await post({ version: '../etc', stage: 'prod', force: 'yes', extra: 1 });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path).sort(), [
    'body.extra',
    'body.force',
    'body.stage',
    'body.version',
  ]);
  assert.equal((await post([1])).status, 400);
  assert.equal(asked.length, 0);

  const refused = await post({ version: 'v9', stage: 'production', reason: 'try' });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error, 'gate_refused');
  assert.deepEqual(refused.body.decision, {
    decision: 'refused',
    applied: false,
    candidate: 5.1,
    incumbent: 4.9,
  });
  assert.equal(refused.body.reload.model.run_id, 'run-a');

  const ok = await post({ version: 2, stage: 'production', force: true, reason: 'hotfix' });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.decision.decision, 'forced');
  assert.equal(ok.body.reload.status, 'loaded');
  assert.deepEqual(ok.body.reload.model, {
    name: 'concrete',
    family: 'fake',
    run_id: 'run-b',
    version: 2,
    stage: 'production',
  });
  assert.deepEqual(
    { ...asked[1], actor: asked[1].actor.split(' ')[0] },
    { version: 2, stage: 'production', force: true, reason: 'hotfix', actor: 'admin-api' },
  );
  const p = JSON.parse((await app.inject({ method: 'POST', url: '/predict', payload: { x: 0 } })).body);
  assert.equal(p.model.version, 2);
  await app.close();
});
