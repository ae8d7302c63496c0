/**
 * The model source behind hot reload: it serves what the stage link names, swaps only after the
 * new model loaded completely, keeps the old model when a load fails, and a request that started
 * on the old model finishes on it while later requests (and their log rows) get the new one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLogForReading, PredictionLog, readLog } from '../../src/log/index.js';
import {
  createServer,
  type ModelPipeline,
  type ModelSource,
  type ServedModel,
  StageFollower,
} from '../../src/serve/index.js';
import { collect } from '../helpers/collect.js';
import { fakeLoader, fakePipeline, fakeRelease, pointStage } from './stage-fixture.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tabflow-follow-'));

test('serves what the link names; reload swaps to a moved link, and only then', async () => {
  const root = tmp();
  const a = fakeRelease(root, { runId: 'run-a', base: 0 }, { version: 1, stage: 'production' });
  const b = fakeRelease(root, { runId: 'run-b', base: 100 }, { version: 2, stage: 'production' });
  pointStage(root, 'production', a);
  const src = await StageFollower.open({ link: join(root, 'production'), load: fakeLoader(), pollMs: 0 });
  const first = src.current();
  assert.equal(first.pipeline.runId, 'run-a');
  assert.deepEqual([first.version, first.stage, first.generation], [1, 'production', 1]);
  assert.equal(first.dir, join(root, a));
  assert.equal((await src.reload()).status, 'unchanged');
  assert.equal(src.current(), first);

  pointStage(root, 'production', b);
  // Nothing changes until a check runs (pollMs 0: only on reload()).
  assert.equal(src.current(), first);
  const r = await src.reload();
  assert.equal(r.status, 'loaded');
  assert.equal(r.previous, first);
  assert.equal(src.current().pipeline.runId, 'run-b');
  assert.deepEqual([src.current().version, src.current().generation], [2, 2]);
  // And back (a rollback).
  pointStage(root, 'production', a);
  assert.equal((await src.reload()).model.pipeline.runId, 'run-a');
  assert.deepEqual(src.counters, { swaps: 2, failures: 0, lastError: null });
  src.close();
});

test('polling notices a moved link by itself', async () => {
  const root = tmp();
  const a = fakeRelease(root, { runId: 'run-a', base: 0 });
  const b = fakeRelease(root, { runId: 'run-b', base: 1 });
  pointStage(root, 'staging', a);
  const src = await StageFollower.open({
    link: join(root, 'staging'),
    load: fakeLoader(),
    pollMs: 50,
    stage: 'staging',
  });
  // No registry.json: version unknown, the stage is the one followed.
  assert.deepEqual([src.current().version, src.current().stage], [null, 'staging']);
  pointStage(root, 'staging', b);
  const t0 = Date.now();
  while (src.current().pipeline.runId !== 'run-b' && Date.now() - t0 < 5000) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(src.current().pipeline.runId, 'run-b');
  src.close();
});

test('a failed load keeps the old model, is counted, retried with back-off, and forced on reload', async () => {
  const root = tmp();
  const a = fakeRelease(root, { runId: 'run-a', base: 0 }, { version: 1, stage: 'production' });
  const bad = fakeRelease(root, { runId: 'run-bad', base: 0, broken: true });
  const errors: string[] = [];
  const logger = { info() {}, warn() {}, error: (o: object) => errors.push((o as { error: string }).error) };
  pointStage(root, 'production', a);
  const src = await StageFollower.open({
    link: join(root, 'production'),
    load: fakeLoader(),
    pollMs: 0,
    logger,
  });
  const before = src.current();
  pointStage(root, 'production', bad);
  const r = await src.reload();
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /run-bad is broken/);
  assert.equal(src.current(), before);
  // Within the back-off the same folder is not loaded again (counted once, logged once).
  assert.equal((await src.reload()).status, 'failed');
  assert.equal(src.counters.failures, 1);
  // A forced reload tries again; after the folder is fixed it loads.
  assert.equal((await src.reload({ force: true })).status, 'failed');
  assert.equal(src.counters.failures, 2);
  assert.equal(errors.length, 1, 'the same failure is logged once');
  writeFileSync(join(root, bad, 'fake.json'), JSON.stringify({ runId: 'run-fixed', base: 5 }));
  assert.equal((await src.reload({ force: true })).status, 'loaded');
  assert.equal(src.current().pipeline.runId, 'run-fixed');
  assert.equal(src.counters.lastError?.includes('broken'), true);

  // A registry.json that names another run than the model files: refused, old model kept.
  const mixed = fakeRelease(
    root,
    { runId: 'run-m', base: 0 },
    { version: 9, stage: 'production', runId: 'other' },
  );
  pointStage(root, 'production', mixed);
  const m = await src.reload({ force: true });
  assert.equal(m.status, 'failed');
  assert.match(m.error ?? '', /registry\.json names run other but the model files are run run-m/);
  // The stage link removed: still serving, failure reported.
  rmSync(join(root, 'production'));
  const gone = await src.reload({ force: true });
  assert.equal(gone.status, 'failed');
  assert.match(gone.error ?? '', /Cannot resolve .*production \(ENOENT\)/);
  assert.equal(src.current().pipeline.runId, 'run-fixed');
  src.close();
});

test('the first load failing is an error (there is no old model to keep)', async () => {
  const root = tmp();
  pointStage(root, 'production', fakeRelease(root, { runId: 'x', base: 0, broken: true }));
  await assert.rejects(
    StageFollower.open({ link: join(root, 'production'), load: fakeLoader(), pollMs: 0 }),
    /x is broken/,
  );
  await assert.rejects(
    StageFollower.open({ link: join(root, 'dev'), load: fakeLoader(), pollMs: 0 }),
    /Cannot resolve .*dev/,
  );
});

test('concurrent reloads run one at a time and each sees the link as it was when asked', async () => {
  const root = tmp();
  const rels = [0, 1, 2, 3].map((i) => fakeRelease(root, { runId: `run-${i}`, base: i }));
  pointStage(root, 'production', rels[0]);
  let loading = 0;
  let overlap = false;
  const base = fakeLoader();
  const load = async (dir: string) => {
    loading++;
    overlap ||= loading > 1;
    await new Promise((r) => setTimeout(r, 20));
    loading--;
    return base(dir);
  };
  const src = await StageFollower.open({ link: join(root, 'production'), load, pollMs: 0 });
  const results = [];
  for (let i = 1; i < 4; i++) {
    pointStage(root, 'production', rels[i]);
    results.push(src.reload());
  }
  const done = await Promise.all(results);
  assert.equal(overlap, false);
  assert.equal(done.at(-1)?.model.pipeline.runId, 'run-3');
  assert.equal(src.current().pipeline.runId, 'run-3');
  src.close();
});

/** A source the test swaps by hand, at exactly the moment it chooses. */
function manualSource(first: ModelPipeline, version: number) {
  let gen = 0;
  const served = (pipeline: ModelPipeline, v: number): ServedModel => ({
    pipeline,
    stamp: null,
    version: v,
    stage: 'production',
    dir: null,
    generation: ++gen,
    loadedAt: Date.now(),
  });
  let model = served(first, version);
  let afterNextCurrent: (() => void) | null = null;
  const source: ModelSource & {
    swap(p: ModelPipeline, v: number): void;
    swapAfterNextRead(f: () => void): void;
  } = {
    current() {
      const m = model;
      const f = afterNextCurrent;
      afterNextCurrent = null;
      f?.();
      return m;
    },
    reload: async () => ({ status: 'unchanged', model }),
    counters: { swaps: 0, failures: 0, lastError: null },
    follows: 'manual',
    close() {},
    swap(p, v) {
      model = served(p, v);
    },
    swapAfterNextRead(f) {
      afterNextCurrent = f;
    },
  };
  return source;
}

test('in flight: a request that started on the old model finishes on it; rows of two versions never share a predict call', async () => {
  const calls: { runId: string; xs: unknown[] }[] = [];
  const B = fakePipeline('run-b', 100, (xs) => calls.push({ runId: 'run-b', xs }));
  // A swaps to B in the middle of its own predict call: the requests being scored are in flight.
  const A = fakePipeline('run-a', 0, (xs) => {
    calls.push({ runId: 'run-a', xs });
    if (xs.includes(1)) src.swap(B, 2);
  });
  const src = manualSource(A, 1);
  const file = join(tmp(), 'log.sqlite');
  const log = await PredictionLog.open(file, { flushMs: 10 });
  const app = await createServer({ source: src, log });
  const post = (x: number) => app.inject({ method: 'POST', url: '/predict', payload: { x } });

  // Two requests arrive together: micro-batched into one call on A, which swaps during it.
  const [r1, r2] = await Promise.all([post(1), post(2)]);
  for (const [r, x] of [
    [r1, 1],
    [r2, 2],
  ] as const) {
    const body = JSON.parse(r.body);
    assert.deepEqual(
      [body.model.run_id, body.model.version, body.predictions[0].prediction],
      ['run-a', 1, x],
    );
    assert.equal(r.headers['x-tabflow-model-version'], '1');
  }
  assert.equal(src.current().pipeline.runId, 'run-b');
  const r3 = JSON.parse((await post(3)).body);
  assert.deepEqual([r3.model.run_id, r3.model.version, r3.predictions[0].prediction], ['run-b', 2, 103]);

  // A swap right after request 4 took its model and before request 5 did: both are queued in the
  // same event-loop turn, yet each model scores only its own request's rows.
  src.swapAfterNextRead(() => src.swap(A, 3));
  const [r4, r5] = await Promise.all([post(4), post(5)]);
  assert.equal(JSON.parse(r4.body).model.run_id, 'run-b');
  assert.equal(JSON.parse(r5.body).model.run_id, 'run-a');
  assert.deepEqual(
    calls
      .slice(-2)
      .map((c) => [c.runId, c.xs])
      .sort(),
    [
      ['run-a', [5]],
      ['run-b', [4]],
    ],
  );
  for (const c of calls) {
    // Every call holds rows of one model: x values 1,2 (A), 3,4 (B), 5 (A again).
    const want = c.runId === 'run-a' ? [1, 2, 5] : [3, 4];
    assert.ok(
      c.xs.every((x) => want.includes(x as number)),
      JSON.stringify(c),
    );
  }
  await app.close();
  const db = await openLogForReading(file);
  const rows = (await collect(readLog(db))).map((r) => [r.features.x, r.run_id, r.model_version, r.stage]);
  await db.close();
  rows.sort((p, q) => (p[0] as number) - (q[0] as number));
  assert.deepEqual(rows, [
    [1, 'run-a', 1, 'production'],
    [2, 'run-a', 1, 'production'],
    [3, 'run-b', 2, 'production'],
    [4, 'run-b', 2, 'production'],
    [5, 'run-a', 3, 'production'],
  ]);
});

test('/ready, /metadata, /metrics and the OpenAPI document follow the swap', async () => {
  const root = tmp();
  const a = fakeRelease(root, { runId: 'run-a', base: 0 }, { version: 1, stage: 'production' });
  pointStage(root, 'production', a);
  const bDir = fakeRelease(root, { runId: 'run-b', base: 0 }, { version: 2, stage: 'production' });
  // Model b has another input column, so its OpenAPI record differs.
  const load = (dir: string): ModelPipeline => {
    const p = fakeLoader()(dir);
    if (p.runId !== 'run-b') return p;
    return { ...p, contract: { features: [{ name: 'z', type: 'numeric' }] }, predict: p.predict };
  };
  const src = await StageFollower.open({ link: join(root, 'production'), load, pollMs: 0 });
  const app = await createServer({ source: src });
  const get = async (url: string) => (await app.inject({ url })).body;
  assert.match(JSON.parse(await get('/openapi.json')).info.title, /run run-a, version 1/);
  pointStage(root, 'production', bDir);
  await src.reload();
  const ready = JSON.parse(await get('/ready'));
  assert.deepEqual(ready.model, {
    name: 'concrete',
    family: 'fake',
    run_id: 'run-b',
    version: 2,
    stage: 'production',
  });
  const md = JSON.parse(await get('/metadata'));
  assert.equal(md.registry.version, 2);
  assert.equal(md.serving.generation, 2);
  assert.equal(md.serving.dir, join(root, bDir));
  assert.deepEqual(
    md.features.map((f: { name: string }) => f.name),
    ['z'],
  );
  const metrics = await get('/metrics');
  assert.match(metrics, /tabflow_model_info\{model="fake",run_id="run-b",version="2",stage="production"/);
  assert.match(metrics, /tabflow_model_reloads_total\{result="ok"\} 1/);
  assert.match(metrics, /tabflow_model_reloads_total\{result="failed"\} 0/);
  assert.match(metrics, /tabflow_model_generation 2/);
  for (const url of ['/openapi.json', '/docs/json']) {
    const doc = JSON.parse(await get(url));
    assert.match(doc.info.title, /run run-b, version 2/);
    const body = doc.paths['/predict'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(body.anyOf[0].properties), ['z'], url);
  }
  await app.close();
});
