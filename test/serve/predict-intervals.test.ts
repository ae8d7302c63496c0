/**
 * Issue 11, item 13 (server half): `POST /predict` answers each predicted row with its conformal
 * interval, as the seed's inference does, unless the request says `interval: false` (body or
 * query); attributions stay opt-in; the answer names the intervals' coverage level.
 * `/invocations` keeps MLflow's plain numbers.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { InferencePipeline } from '../../src/inference/index.js';
import { createServer } from '../../src/serve/index.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

let pipeline: InferencePipeline;
let app: FastifyInstance;
const rows = concreteRecords(4);
const json = (r: { body: string }) => JSON.parse(r.body);

before(async () => {
  pipeline = InferencePipeline.load((await trainConcrete()).production);
  app = await createServer({ pipeline });
});
after(() => app.close());

type Row = {
  status: string;
  prediction: number;
  interval?: { lower: number; upper: number; coverage: number };
};

test('record, list, envelope and CSV bodies: an interval per predicted row by default, no attributions', async () => {
  const want = pipeline.predict(rows, { interval: true }).map((p) => p.interval);
  assert.ok(want.every((iv) => iv && iv.coverage === 0.9));
  const cols = Object.keys(rows[0]);
  const csv = [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n');
  const answers = [
    await app.inject({ method: 'POST', url: '/predict', payload: rows }),
    await app.inject({ method: 'POST', url: '/predict', payload: { records: rows } }),
    await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    }),
  ];
  for (const r of answers) {
    assert.equal(r.statusCode, 200, r.body);
    const body = json(r);
    const mode = (pipeline.metadata.calibration as { mode: string }).mode;
    assert.deepEqual(body.intervals, { coverage: 0.9, mode });
    body.predictions.forEach((p: Row & { attributions?: unknown }, i: number) => {
      assert.deepEqual(p.interval, want[i]);
      assert.ok(p.interval && p.interval.lower < p.prediction && p.prediction < p.interval.upper);
      assert.equal(p.attributions, undefined);
    });
  }
  const one = json(await app.inject({ method: 'POST', url: '/predict', payload: rows[0] }));
  assert.deepEqual(one.predictions[0].interval, want[0]);
});

test('interval: false in the body or ?interval=false leaves intervals out; explain adds attributions', async () => {
  for (const [url, payload] of [
    ['/predict', { records: rows, interval: false }],
    ['/predict?interval=false', rows],
    ['/predict?interval=0', { records: rows }],
  ] as const) {
    const body = json(await app.inject({ method: 'POST', url, payload: payload as object }));
    assert.equal(body.intervals, null, url);
    assert.ok(
      body.predictions.every((p: Row) => p.interval === undefined && p.status === 'ok'),
      url,
    );
  }
  const explained = json(
    await app.inject({ method: 'POST', url: '/predict', payload: { records: rows, explain: true } }),
  );
  for (const p of explained.predictions) {
    assert.ok(p.interval);
    assert.ok(p.attributions);
  }
});

test('a rejected row has no interval; /invocations stays plain numbers unless asked', async () => {
  const mixed = json(
    await app.inject({ method: 'POST', url: '/predict', payload: [rows[0], { cement: 1 }] }),
  );
  assert.ok(mixed.predictions[0].interval);
  assert.equal(mixed.predictions[1].status, 'rejected');
  assert.equal(mixed.predictions[1].interval, undefined);
  const mlflow = json(
    await app.inject({ method: 'POST', url: '/invocations', payload: { dataframe_records: rows } }),
  );
  assert.ok(mlflow.predictions.every((p: unknown) => typeof p === 'number'));
});

test('the OpenAPI document: intervals in the answer, interval defaults to true', async () => {
  const spec = json(await app.inject({ url: '/openapi.json' }));
  const post = spec.paths['/predict'].post;
  assert.ok(post.responses['200'].content['application/json'].schema.properties.intervals);
  assert.match(post.description, /interval unless interval is false/);
  assert.match(JSON.stringify(post.requestBody.content['application/json'].schema), /default true/);
});
