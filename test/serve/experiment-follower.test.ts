/**
 * ExperimentFollower on fake releases (no training): load on start, reuse the loaded challenger
 * when only the weight changes, unload on stop, a broken or mismatched challenger leaves the
 * champion alone and is retried after a back-off (or at once when forced) — and in the server,
 * a key field that is also a model feature stays in the record.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Experiment, writeExperiment } from '../../src/experiment/experiment.js';
import { PredictionLog } from '../../src/log/index.js';
import { createServer, ExperimentFollower, serverIdle } from '../../src/serve/index.js';
import { fakeLoader, fakePipeline, fakeRelease } from './stage-fixture.js';

function experiment(root: string, rel: string, runId: string, over: Partial<Experiment> = {}): Experiment {
  return {
    format_version: 1,
    id: 'exp-1',
    name: 'fake',
    champion: { version: 1, run_id: 'champ', dir: join(root, 'production') },
    challenger: { version: 2, run_id: runId, dir: join(root, rel) },
    weight: 0.5,
    shadow: false,
    key_field: null,
    started_at: new Date(0).toISOString(),
    ...over,
  };
}

describe('ExperimentFollower', () => {
  it('loads, reuses the challenger on a weight change, unloads on stop', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tabflow-expf-'));
    const calls: { runId: string; xs: unknown[] }[] = [];
    let loads = 0;
    const load = fakeLoader(calls);
    const f = await ExperimentFollower.open({
      root,
      load: (d) => {
        loads++;
        return load(d);
      },
      pollMs: 0,
    });
    assert.equal(f.current(), null);
    assert.equal((await f.reload()).status, 'none');
    const rel = fakeRelease(root, { runId: 'b', base: 100 });
    writeExperiment(root, experiment(root, rel, 'b'));
    const first = await f.reload();
    assert.equal(first.status, 'loaded');
    const challenger = f.current()?.challenger;
    assert.equal(challenger?.pipeline.runId, 'b');
    assert.equal(challenger?.version, 2);
    assert.equal((await f.reload()).status, 'unchanged');
    writeExperiment(root, experiment(root, rel, 'b', { weight: 0.2 }));
    assert.equal((await f.reload()).status, 'loaded');
    assert.equal(f.current()?.experiment.weight, 0.2);
    assert.equal(f.current()?.challenger, challenger, 'same challenger object: not loaded again');
    assert.equal(loads, 1);
    rmSync(join(root, 'experiment.json'));
    assert.equal((await f.reload()).status, 'unloaded');
    assert.equal(f.current(), null);
    assert.deepEqual(f.counters, { loads: 2, unloads: 1, failures: 0, lastError: null });
    f.close();
  });

  it('a broken or mismatched challenger: champion only, back-off, retried when forced or fixed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tabflow-expf-'));
    let loads = 0;
    const load = fakeLoader();
    const f = await ExperimentFollower.open({
      root,
      load: (d) => {
        loads++;
        return load(d);
      },
      pollMs: 0,
    });
    const broken = fakeRelease(root, { runId: 'x', base: 0, broken: true });
    writeExperiment(root, experiment(root, broken, 'x'));
    const r = await f.reload();
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /broken/);
    assert.equal(f.current(), null);
    assert.equal((await f.reload()).status, 'failed');
    assert.equal(loads, 1, 'the same file is not retried before its back-off');
    assert.equal((await f.reload({ force: true })).status, 'failed');
    assert.equal(loads, 2);

    const other = fakeRelease(root, { runId: 'y', base: 0 });
    writeExperiment(root, experiment(root, other, 'z'));
    const mismatch = await f.reload();
    assert.equal(mismatch.status, 'failed');
    assert.match(mismatch.error ?? '', /names challenger run z but .* holds run y/);

    writeExperiment(root, experiment(root, other, 'y'));
    assert.equal((await f.reload()).status, 'loaded');
    assert.equal(f.current()?.challenger.pipeline.runId, 'y');
    assert.equal(f.counters.failures, 3);
    f.close();
  });

  it('in the server: a key field that is a model feature stays in the record', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tabflow-expf-'));
    const rel = fakeRelease(root, { runId: 'b', base: 100 });
    writeExperiment(root, experiment(root, rel, 'b', { key_field: 'x', weight: 0.5 }));
    const experiments = await ExperimentFollower.open({ root, load: fakeLoader(), pollMs: 0 });
    const app = await createServer({ pipeline: fakePipeline('a', 0), experiments, log: null });
    const records = Array.from({ length: 40 }, (_, i) => ({ x: i % 10 }));
    const r = await app.inject({ method: 'POST', url: '/predict', payload: records });
    const body = JSON.parse(r.body);
    let challenger = 0;
    for (const [i, p] of body.predictions.entries()) {
      // base + x: the key (x) reached both models.
      const arm = p.model.arm;
      assert.equal(p.prediction, (arm === 'challenger' ? 100 : 0) + records[i].x);
      if (arm === 'challenger') challenger++;
      // Sticky by x: equal x, equal arm.
      const twin = body.predictions[(i + 10) % 40];
      assert.equal(twin.model.arm, arm);
    }
    assert.ok(challenger > 0 && challenger < 40);
    await app.close();
  });
  it('POST /admin/reload also picks up a started or stopped experiment at once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tabflow-expf-'));
    const experiments = await ExperimentFollower.open({ root, load: fakeLoader(), pollMs: 0 });
    const token = 'experiment-admin-token-0123456789';
    const app = await createServer({
      pipeline: fakePipeline('a', 0),
      experiments,
      log: null,
      admin: { token },
    });
    const reload = async () =>
      JSON.parse(
        (
          await app.inject({
            method: 'POST',
            url: '/admin/reload',
            headers: { authorization: `Bearer ${token}` },
          })
        ).body,
      ).experiment;
    assert.deepEqual(await reload(), { status: 'none', id: null, error: null });
    writeExperiment(
      root,
      experiment(root, fakeRelease(root, { runId: 'b', base: 100 }), 'b', { shadow: true }),
    );
    assert.deepEqual(await reload(), { status: 'loaded', id: 'exp-1', error: null });
    const r = JSON.parse((await app.inject({ method: 'POST', url: '/predict', payload: { x: 1 } })).body);
    assert.deepEqual(
      [r.experiment.id, r.experiment.shadow, r.predictions[0].model.arm],
      ['exp-1', true, 'champion'],
    );
    rmSync(join(root, 'experiment.json'));
    assert.equal((await reload()).status, 'unloaded');
    await app.close();
  });
  it('shadow predictions run after the reply: a slow challenger does not delay the answer', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tabflow-expf-'));
    const rel = fakeRelease(root, { runId: 'slow', base: 100 });
    writeExperiment(root, experiment(root, rel, 'slow', { shadow: true }));
    const fast = fakePipeline('slow', 100);
    // The challenger spends 150 ms per call: on the response path, every answer would wait for it.
    const slow = {
      ...fast,
      predict: (records: readonly Record<string, unknown>[]) => {
        const until = performance.now() + 150;
        while (performance.now() < until) {}
        return fast.predict(records);
      },
    };
    const experiments = await ExperimentFollower.open({ root, load: () => slow, pollMs: 0 });
    const log = await PredictionLog.open(':memory:');
    const app = await createServer({ pipeline: fakePipeline('a', 0), experiments, log, microBatch: false });
    const t0 = performance.now();
    const r = await app.inject({ method: 'POST', url: '/predict', payload: { x: 2 } });
    const answered = performance.now() - t0;
    assert.equal(JSON.parse(r.body).predictions[0].prediction, 2);
    // On the response path the answer could not come before the challenger's 150 ms.
    assert.ok(answered < 150, `answered in ${answered.toFixed(0)} ms`);
    await serverIdle(app);
    assert.ok(performance.now() - t0 >= 150, 'the shadow prediction ran');
    assert.equal(log.pending + log.writtenCount, 2, 'the champion row and the shadow row');
    await app.close();
  });
});
