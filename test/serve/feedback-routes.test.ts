/**
 * POST /feedback and GET /monitoring on a real model (ridge on concrete.csv): per-item verdicts
 * for good, unknown, duplicate and non-numeric actuals (never a 404), a just-served request found
 * at once, bad bodies refused with 400, monitoring JSON that stays "insufficient data" on a few
 * actuals and judges live accuracy once enough came back, and 503 without a prediction log.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { InferencePipeline } from '../../src/inference/index.js';
import { createServer, StageFollower } from '../../src/serve/index.js';
import { abServer, concreteRows, trainVersions } from '../experiment/ab-fixture.js';

const rows = concreteRows();
let root: string;

before(async () => {
  root = await trainVersions(['ridge'], 'tabflow-feedback-route-');
});

type App = Awaited<ReturnType<typeof abServer>>['app'];

async function predict(app: App, records: Record<string, number>[]): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/predict', payload: records });
  assert.equal(r.statusCode, 200, r.body);
  return JSON.parse(r.body).request_id;
}

async function feedback(app: App, payload: unknown) {
  const r = await app.inject({ method: 'POST', url: '/feedback', payload: payload as object });
  return { status: r.statusCode, body: JSON.parse(r.body) };
}

describe('feedback and monitoring routes', { timeout: 60_000 }, () => {
  it('judges every item: accepted, unknown request, duplicate, not numeric, row required', async () => {
    const { app } = await abServer(root);
    const one = await predict(app, [rows[0].record]);
    // Found at once: the route flushes the log's buffer before looking the request up.
    const first = await feedback(app, { request_id: one, actual: rows[0].actual });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.verdicts, [
      { index: 0, status: 'accepted', request_id: one, row: 0, actual: rows[0].actual },
    ]);

    const unknown = await feedback(app, { request_id: 'no-such-request', actual: 3 });
    assert.equal(unknown.status, 400, 'an unknown id is a rejected item, not a 404');
    assert.equal(unknown.body.error, 'feedback_rejected');
    assert.equal(unknown.body.verdicts[0].code, 'unknown_request');
    assert.match(unknown.body.message, /no-such-request/);

    const dup = await feedback(app, { request_id: one, actual: 99 });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.verdicts[0].code, 'duplicate');

    const four = await predict(
      app,
      rows.slice(1, 5).map((r) => r.record),
    );
    const two = await predict(app, [rows[5].record]);
    const batch = await feedback(app, {
      feedback: [
        { request_id: four, row: 2, actual: rows[3].actual },
        { request_id: four, actual: 10 },
        { request_id: four, row: 7, actual: 10 },
        { request_id: two, actual: 'not a number' },
        { request_id: two, actual: null },
        { request_id: 'nope', actual: 1 },
        { request_id: one, actual: 5 },
        { request_id: two, actual: String(rows[5].actual) },
      ],
    });
    assert.equal(batch.status, 200, 'at least one item was accepted');
    assert.deepEqual(
      batch.body.verdicts.map((v: { status: string; code?: string }) => v.code ?? v.status),
      [
        'accepted',
        'row_required',
        'unknown_row',
        'not_numeric',
        'not_numeric',
        'unknown_request',
        'duplicate',
        'accepted',
      ],
    );
    assert.deepEqual([batch.body.accepted, batch.body.rejected], [2, 6]);

    // Every reason is listed when nothing is accepted.
    const none = await feedback(app, [
      { request_id: 'x1', actual: 1 },
      { request_id: one, actual: 'abc' },
    ]);
    assert.equal(none.status, 400);
    assert.match(none.body.message, /item 0: .*x1.*item 1: .*abc/s);
    assert.deepEqual(
      none.body.issues.map((i: { code: string }) => i.code),
      ['unknown_request', 'not_numeric'],
    );
    await app.close();
  });

  it('refuses bodies that hold no items', async () => {
    const { app } = await abServer(root);
    for (const [payload, code] of [
      [[], 'no_items'],
      [{ feedback: 3 }, 'wrong_type'],
      [{ feedback: [] }, 'no_items'],
    ] as const) {
      const r = await feedback(app, payload);
      assert.equal(r.status, 400, JSON.stringify(payload));
      assert.equal(r.body.issues[0].code, code);
    }
    const text = await app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { 'content-type': 'application/json' },
      payload: '"hello"',
    });
    assert.equal(text.statusCode, 400);
    await app.close();
  });

  it('GET /monitoring: insufficient data on a few actuals, live accuracy once enough came back', async () => {
    const { app, source } = await abServer(root);
    const ids: string[] = [];
    for (let i = 100; i < 110; i++) ids.push(await predict(app, [rows[i].record]));
    const fb = await feedback(app, {
      feedback: ids.map((id, k) => ({ request_id: id, actual: rows[100 + k].actual })),
    });
    assert.equal(fb.body.accepted, 10);
    const few = await app.inject({ method: 'GET', url: '/monitoring?window=5' });
    assert.equal(few.statusCode, 200, few.body);
    const m = JSON.parse(few.body);
    assert.equal(m.model.run_id, source.current().pipeline.runId);
    assert.equal(m.window.requested, 5);
    assert.equal(m.window.rows, 5);
    assert.equal(m.status, 'insufficient_data', 'a 5-row window and 5 actuals judge nothing');
    assert.equal(m.live.current.n, 5);
    assert.match(m.live.note, /min_feedback/);
    assert.ok(m.drift.features.every((f: { drifted: boolean | null }) => f.drifted === null));

    // Actuals so far (this test's 10 and any earlier test's, same log).
    const n0 = JSON.parse((await app.inject({ method: 'GET', url: '/monitoring' })).body).live.current.n;
    assert.ok(n0 >= 10 && n0 < 30);
    // 200 more rows, all with their actuals: now live accuracy is judged.
    const more: { request_id: string; actual: number }[] = [];
    for (let i = 200; i < 400; i += 4) {
      const id = await predict(
        app,
        rows.slice(i, i + 4).map((r) => r.record),
      );
      for (let j = 0; j < 4; j++) more.push({ request_id: id, row: j, actual: rows[i + j].actual } as never);
    }
    assert.equal((await feedback(app, { feedback: more })).body.accepted, 200);
    const r = await app.inject({ method: 'GET', url: '/monitoring' });
    const full = JSON.parse(r.body);
    assert.equal(full.live.current.n, n0 + 200);
    assert.ok(full.status === 'ok' || full.status === 'alarm', full.status);
    // Ridge on rows it was trained with: R² near its TEST R² (about 0.6), RMSE near its TEST RMSE.
    assert.ok(full.live.current.r2 > 0.4 && full.live.current.r2 < 0.8, String(full.live.current.r2));
    assert.ok(full.live.current.rmse / full.live.reference.rmse < 1.5);

    for (const q of ['window=abc', 'window=0', 'since=yesterday']) {
      const bad = await app.inject({ method: 'GET', url: `/monitoring?${q}` });
      assert.equal(bad.statusCode, 400, q);
    }
    await app.close();
  });

  it('answers 503 with a reason without a prediction log', async () => {
    const source = await StageFollower.open({
      link: join(root, 'production'),
      load: (dir) => InferencePipeline.load(dir),
      pollMs: 0,
    });
    const app = await createServer({ source, log: null });
    const f = await app.inject({ method: 'POST', url: '/feedback', payload: { request_id: 'a', actual: 1 } });
    assert.equal(f.statusCode, 503);
    assert.match(JSON.parse(f.body).message, /--no-log/);
    const m = await app.inject({ method: 'GET', url: '/monitoring' });
    assert.equal(m.statusCode, 503);
    assert.equal(JSON.parse(m.body).error, 'no_log');
    await app.close();
  });
});
