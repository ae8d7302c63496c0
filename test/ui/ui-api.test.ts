/**
 * The UI's JSON API over a real models folder: runs listed, sorted, filtered and paginated; one
 * run with its TEST rows and checksums; runs compared; bad requests answered with the field at
 * fault; and a run whose files do not belong together never shown as if they did.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { MetadataJson, ResultsJson } from '../../src/artifacts/run-folder.js';
import { InferencePipeline, type PredictionResult } from '../../src/inference/inference-pipeline.js';
import type { Comparison, PredictForm, RunDetail, RunPage } from '../../src/ui/index.js';
import { flatten, uiPlugin } from '../../src/ui/index.js';
import { CONCRETE_RECORD, RUNS, uiModels } from './fixture.js';

let app: FastifyInstance;
let models: string;

const get = async <T>(url: string, status = 200): Promise<T> => {
  const r = await app.inject({ method: 'GET', url });
  assert.equal(r.statusCode, status, r.body);
  return r.json() as T;
};

const readJson = <T>(...p: string[]) => JSON.parse(readFileSync(join(...p), 'utf8')) as T;

before(async () => {
  models = await uiModels();
  app = Fastify();
  await app.register(uiPlugin, { modelsDir: models });
});
after(() => app.close());

describe('GET /api/runs', () => {
  it('lists every run newest first, with the scores results.json records', async () => {
    const page = await get<RunPage>('/api/runs');
    assert.equal(page.total, RUNS.length);
    const created = page.runs.map((r) => r.created_at);
    assert.deepEqual(created, [...created].sort().reverse());
    for (const r of page.runs) {
      const res = readJson<ResultsJson>(models, 'runs', r.run_id, 'results.json');
      const best = res.models.find((m) => m.name === res.selection.best)!;
      assert.equal(r.selected, best.name);
      assert.equal(r.test, best.metrics!.test!.r2);
      assert.equal(r.score, best.cv!.mean);
      assert.equal(r.data_file, 'concrete.csv');
      assert.equal(r.candidates, res.models.length);
    }
    assert.deepEqual(page.facets.tags, ['nightly', 'team']);
    assert.deepEqual(page.unreadable, []);
  });

  it('sorts by any column both ways', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const tests = (await get<RunPage>(`/api/runs?sort=test&order=${order}`)).runs.map(
        (r) => r.test as number,
      );
      const want = [...tests].sort((a, b) => (order === 'asc' ? a - b : b - a));
      assert.deepEqual(tests, want);
      assert.notEqual(tests[0], tests[2], 'the three runs score differently');
    }
    const fam = (await get<RunPage>('/api/runs?sort=family&order=asc')).runs.map((r) => r.family);
    assert.deepEqual(fam, [...fam].sort());
  });

  it('filters by family, tag (key or key=value), data hash prefix and text, and paginates', async () => {
    const all = (await get<RunPage>('/api/runs')).runs;
    const family = all[0].family;
    const byFamily = await get<RunPage>(`/api/runs?family=${family}`);
    assert.ok(byFamily.runs.every((r) => r.family === family) && byFamily.total >= 1);
    assert.deepEqual(
      (await get<RunPage>('/api/runs?tag=team=alpha')).runs.map((r) => r.tags.team),
      ['alpha'],
    );
    assert.equal((await get<RunPage>('/api/runs?tag=team')).total, 2);
    assert.equal((await get<RunPage>(`/api/runs?data=${all[0].data_sha256.slice(0, 10)}`)).total, 3);
    assert.equal((await get<RunPage>('/api/runs?data=00000000')).total, 0);
    assert.deepEqual(
      (await get<RunPage>(`/api/runs?q=${all[1].run_id.slice(-6).toUpperCase()}`)).runs.map((r) => r.run_id),
      [all[1].run_id],
    );
    const best = Math.max(...all.map((r) => r.test as number));
    assert.deepEqual(
      (await get<RunPage>(`/api/runs?min_test=${best}`)).runs.map((r) => r.test),
      [best],
    );
    assert.equal((await get<RunPage>('/api/runs?since=2999-01-01')).total, 0);
    assert.equal((await get<RunPage>(`/api/runs?since=${all[2].created_at}`)).total, 3);
    const p2 = await get<RunPage>('/api/runs?page_size=2&page=2');
    assert.equal(p2.total, 3);
    assert.deepEqual(
      p2.runs.map((r) => r.run_id),
      [all[2].run_id],
    );
  });

  it('refuses a bad sort, order or page, naming the field and what is allowed', async () => {
    const bad = await get<{ error: string; message: string }>('/api/runs?sort=colour', 400);
    assert.match(bad.message, /sort must be one of created_at, .*; got "colour"/);
    assert.match(
      (await get<{ message: string }>('/api/runs?order=up', 400)).message,
      /order must be asc or desc/,
    );
    assert.match(
      (await get<{ message: string }>('/api/runs?page=0', 400)).message,
      /page must be an integer from 1/,
    );
    assert.match(
      (await get<{ message: string }>('/api/runs?page_size=abc', 400)).message,
      /page_size must be a positive integer; got "abc"/,
    );
  });
});

describe('GET /api/runs/:id', () => {
  it('returns the report, the TEST rows and every artifact with the checksum metadata.json records', async () => {
    const { runs } = await get<RunPage>('/api/runs');
    const id = runs[0].run_id;
    const r = await get<RunDetail>(`/api/runs/${id}`);
    const meta = readJson<MetadataJson>(models, 'runs', id, 'metadata.json');
    const res = readJson<ResultsJson>(models, 'runs', id, 'results.json');
    assert.deepEqual(
      r.leaderboard.map((m) => m.name),
      res.models.map((m) => m.name),
    );
    assert.ok(r.test);
    assert.equal(r.test.actual.length, (meta.split as { counts: { test: number } }).counts.test);
    assert.equal(r.test.predicted.length, r.test.actual.length);
    assert.ok(r.test.coverage && r.test.coverage.by_decile.length === 10);
    for (const a of r.artifacts) assert.equal(a.sha256, meta.artifacts[a.file as 'model.json'].sha256);
    assert.equal(r.features.length, meta.features.length);
    assert.equal((r.config as { data: { target: string } }).data.target, 'compressive_strength');
  });

  it('answers 404 for an unknown run or a path outside runs/', async () => {
    assert.equal(
      (await get<{ error: string }>('/api/runs/20990101-000000-abcdef', 404)).error,
      'no_such_run',
    );
    await get('/api/runs/..%2F..%2Fetc', 404);
  });
});

describe('GET /api/compare', () => {
  it('lines up candidates and shows only the config keys and parameters that differ', async () => {
    const ids = (await get<RunPage>('/api/runs?sort=created_at&order=asc')).runs.map((r) => r.run_id);
    const c = await get<Comparison>(`/api/compare?ids=${ids[0]},${ids[1]}`);
    assert.deepEqual(
      c.runs.map((r) => r.run_id),
      [ids[0], ids[1]],
    );
    const ridge = c.candidates.find((x) => x.name === 'ridge')!;
    assert.ok(
      ridge.test.every((t) => typeof t === 'number'),
      'ridge ran in both',
    );
    const gbdt = c.candidates.find((x) => x.name === 'gbdt')!;
    assert.equal(gbdt.test[1], null, 'gbdt ran only in the first');
    const keys = c.config_diff.map((d) => d.key);
    assert.ok(keys.includes('split.seed'));
    assert.ok(
      keys.some((k) => k.startsWith('models.gbdt.')),
      keys.join(', '),
    );
    assert.ok(!keys.includes('data.target'), 'equal keys are left out');
    assert.deepEqual(c.config_diff.find((d) => d.key === 'split.seed')?.values, ['1', '2']);
  });

  it('refuses fewer than 2 or more than 5 runs, and an unknown one', async () => {
    const ids = (await get<RunPage>('/api/runs')).runs.map((r) => r.run_id);
    assert.match(
      (await get<{ message: string }>(`/api/compare?ids=${ids[0]}`, 400)).message,
      /2 to 5 distinct runs; got 1/,
    );
    const six = [...ids, 'a', 'b', 'c'].join(',');
    assert.match((await get<{ message: string }>(`/api/compare?ids=${six}`, 400)).message, /got 6/);
    assert.match(
      (await get<{ message: string }>(`/api/compare?ids=${ids[0]},nope`, 400)).message,
      /no run "nope"/,
    );
  });
});

describe('runs whose files do not belong together', () => {
  it('are listed as unreadable when metadata.json is broken, and a tampered model is refused on its page', async () => {
    const ids = readdirSync(join(models, 'runs'));
    const copy = (name: string) => {
      cpSync(join(models, 'runs', ids[0]), join(models, 'runs', name), { recursive: true });
      return join(models, 'runs', name);
    };
    writeFileSync(join(copy('broken-run'), 'metadata.json'), '{"format_version": 1, "run_');
    const tampered = copy('tampered-run');
    writeFileSync(
      join(tampered, 'model.json'),
      readFileSync(join(tampered, 'model.json'), 'utf8').replace(/\d/, '9'),
    );
    const page = await get<RunPage>('/api/runs');
    assert.deepEqual(
      page.unreadable.map((u) => u.run_id),
      ['broken-run'],
    );
    const r = await app.inject({ method: 'GET', url: '/api/runs/tampered-run' });
    assert.equal(r.statusCode, 500);
    assert.match(r.json().message, /model\.json/);
    assert.doesNotMatch(r.body, /at .*\.ts:\d+/, 'no stack trace');
  });
});

describe('try a prediction (/api/predict)', () => {
  const record = CONCRETE_RECORD;
  const post = (url: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url,
      payload: body as object,
      headers: { 'content-type': 'application/json' },
    });

  it('describes the inputs from the data contract, with the training medians as defaults', async () => {
    const f = await get<PredictForm>('/api/predict/form');
    const meta = readJson<MetadataJson>(models, 'production', 'metadata.json');
    assert.equal(f.run_id, meta.run_id);
    assert.deepEqual(
      f.fields.map((x) => x.name),
      meta.features.map((x) => x.name),
    );
    const cement = f.fields.find((x) => x.name === 'cement')!;
    assert.equal(
      cement.default,
      (meta.features[0] as unknown as { quantiles: Record<string, number> }).quantiles['0.5'],
    );
    assert.ok(f.stages.includes('production'));
  });

  it('predicts exactly what the saved pipeline predicts, with interval and attributions summing to it', async () => {
    const r = await post('/api/predict', { record });
    assert.equal(r.statusCode, 200, r.body);
    const p = r.json() as PredictionResult;
    const [want] = InferencePipeline.load(join(models, 'production')).predict([record], {
      interval: true,
      explain: true,
    });
    assert.equal(p.prediction, want.prediction);
    assert.deepEqual(p.interval, want.interval);
    const sum = Object.values(p.attributions!).reduce((a, b) => a + b, p.base_value!);
    assert.ok(Math.abs(sum - (p.prediction as number)) < 1e-6, `${sum} vs ${p.prediction}`);
  });

  it('rejects a bad value with the column named, and refuses a bad stage or record', async () => {
    const bad = (
      await post('/api/predict', { record: { ...record, water: 'lots' } })
    ).json() as PredictionResult;
    assert.equal(bad.status, 'rejected');
    assert.match(JSON.stringify(bad.errors), /water/);
    const stage = await post('/api/predict?stage=qa', { record });
    assert.equal(stage.statusCode, 400);
    assert.match(stage.json().message, /stage must be one of dev, staging, production; got "qa"/);
    const empty = await post('/api/predict?stage=staging', { record });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.json().message, /Stage staging holds no model/);
    assert.match(
      (await post('/api/predict', { record: [1, 2] })).json().message,
      /record must be an object .* got an array/,
    );
  });
});

describe('the pages', () => {
  it('serves the built single-page app', async () => {
    const html = await app.inject({ method: 'GET', url: '/ui/' });
    assert.equal(html.statusCode, 200);
    assert.match(html.headers['content-type'] as string, /text\/html/);
    assert.match(html.body, /<script type="module" src="\/ui\/app.js">/);
    const js = await app.inject({ method: 'GET', url: '/ui/app.js' });
    assert.match(js.headers['content-type'] as string, /javascript/);
    assert.ok(js.body.length > 10_000);
    assert.equal((await app.inject({ method: 'GET', url: '/' })).headers.location, '/ui/');
  });
});

describe('flatten', () => {
  it('keys lists of named entries by name and leaves other lists whole', () => {
    assert.deepEqual(
      flatten({ models: [{ name: 'gbdt', params: { lr: 0.1 } }], tags: ['a'], x: { y: null } }),
      {
        'models.gbdt.params.lr': '0.1',
        tags: '["a"]',
        'x.y': 'null',
      },
    );
  });
});
