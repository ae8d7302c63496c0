/**
 * Every route and every error class of the HTTP service, through `inject()` on a model trained
 * by `tabflow train` (ridge + gbdt on concrete.csv).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ModelError, ValidationError } from '../../src/core/errors.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { createServer, type ModelPipeline } from '../../src/serve/index.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

let pipeline: InferencePipeline;
let app: FastifyInstance;
const rows = concreteRecords(5);
const json = (r: { body: string }) => JSON.parse(r.body);

before(async () => {
  pipeline = InferencePipeline.load((await trainConcrete()).production);
  app = await createServer({ pipeline, bodyLimit: 64 * 1024 });
});
after(() => app.close());

describe('POST /predict', () => {
  test('one record → one result equal to the library prediction', async () => {
    const r = await app.inject({ method: 'POST', url: '/predict', payload: rows[0] });
    assert.equal(r.statusCode, 200);
    const body = json(r);
    const want = pipeline.predict([rows[0]])[0];
    assert.equal(body.rows, 1);
    assert.equal(body.predictions[0].status, 'ok');
    assert.equal(body.predictions[0].prediction, want.prediction);
    // A pipeline handed in has no registry stamp: version and stage are unknown; the name is the
    // one the run was registered under (metadata.json), the family apart.
    assert.deepEqual(body.model, {
      name: 'default',
      family: 'gbdt',
      run_id: pipeline.runId,
      version: null,
      stage: null,
    });
    assert.deepEqual(body.predictions[0].model, body.model);
    assert.equal(r.headers['x-tabflow-run-id'], pipeline.runId);
    assert.equal(r.headers['x-tabflow-model-version'], undefined);
    assert.equal(body.request_id, r.headers['x-request-id']);
  });

  test('a list, and {records} with body options, give per-row results', async () => {
    const list = json(await app.inject({ method: 'POST', url: '/predict', payload: rows }));
    assert.deepEqual(
      list.predictions.map((p: { prediction: number }) => p.prediction),
      pipeline.predict(rows).map((p) => p.prediction),
    );
    const env = json(
      await app.inject({
        method: 'POST',
        url: '/predict',
        payload: { records: rows, interval: true, explain: true },
      }),
    );
    for (const p of env.predictions) {
      assert.ok(p.interval.lower < p.prediction && p.prediction < p.interval.upper);
      assert.equal(p.interval.coverage, 0.9);
      const sum = Object.values(p.attributions as Record<string, number>).reduce(
        (a, b) => a + b,
        p.base_value,
      );
      assert.ok(Math.abs(sum - p.prediction) < 1e-6, `attributions + base ${sum} vs ${p.prediction}`);
    }
  });

  test('?interval=true&explain=1 in the query; an interval unless interval=false, attributions only if asked', async () => {
    const q = json(
      await app.inject({ method: 'POST', url: '/predict?interval=true&explain=1', payload: rows[1] }),
    );
    assert.ok(q.predictions[0].interval);
    assert.ok(q.predictions[0].attributions);
    const plain = json(await app.inject({ method: 'POST', url: '/predict', payload: rows[1] }));
    assert.deepEqual(
      plain.predictions[0].interval,
      pipeline.predict([rows[1]], { interval: true })[0].interval,
    );
    assert.equal(plain.predictions[0].attributions, undefined);
    assert.equal(plain.intervals.coverage, 0.9);
    const off = json(await app.inject({ method: 'POST', url: '/predict?interval=false', payload: rows[1] }));
    assert.equal(off.predictions[0].interval, undefined);
    assert.equal(off.intervals, null);
    const bad = await app.inject({ method: 'POST', url: '/predict?interval=maybe', payload: rows[1] });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).issues[0].path, 'query.interval');
  });

  test('a bad row among good ones is rejected alone; warnings ride along', async () => {
    const payload = [rows[0], { ...rows[1], cement: 'lots' }, { ...rows[2], age: 5000, colour: 'red' }];
    const r = await app.inject({ method: 'POST', url: '/predict', payload });
    assert.equal(r.statusCode, 200);
    const b = json(r);
    assert.equal(b.rejected, 1);
    assert.equal(b.warned, 1);
    assert.equal(b.predictions[1].status, 'rejected');
    assert.equal(b.predictions[1].prediction, null);
    assert.deepEqual(
      b.predictions[1].errors.map((e: { field: string; code: string }) => [e.field, e.code]),
      [['cement', 'wrong_type']],
    );
    const codes = b.predictions[2].warnings.map((w: { code: string }) => w.code).sort();
    assert.deepEqual(codes, ['out_of_range', 'unexpected_field']);
  });

  test('row limits: maxRows per request, a lower one when explanations are asked for', async () => {
    const small = await createServer({ pipeline, maxRows: 20, maxExplainRows: 3 });
    const many = Array(21).fill(rows[0]);
    const tooMany = await small.inject({ method: 'POST', url: '/predict', payload: many });
    assert.equal(tooMany.statusCode, 400);
    assert.match(json(tooMany).issues[0].message, /21 rows sent; at most 20 per request/);
    assert.equal(
      (await small.inject({ method: 'POST', url: '/predict', payload: many.slice(1) })).statusCode,
      200,
    );
    const explain = await small.inject({
      method: 'POST',
      url: '/predict?explain=true',
      payload: rows.slice(0, 4),
    });
    assert.equal(explain.statusCode, 400);
    assert.match(json(explain).issues[0].message, /at most 3 with explain/);
    await small.close();
  });

  test('every row rejected → 400 with the issues list', async () => {
    const r = await app.inject({ method: 'POST', url: '/predict', payload: [{ cement: 'x' }, {}] });
    assert.equal(r.statusCode, 400);
    const b = json(r);
    assert.equal(b.error, 'invalid_input');
    assert.ok(b.issues.some((i: { row: number; code: string }) => i.row === 0 && i.code === 'wrong_type'));
    assert.equal(
      b.issues.filter((i: { row: number }) => i.row === 1).length,
      8,
      'all 8 missing features of row 1',
    );
  });

  test('request shape errors → 400 naming the place', async () => {
    const cases: [unknown, string][] = [
      [[], 'no_rows'],
      [[1, 'a'], 'not_a_record'],
      [{ ...rows[0], cement: [1, 2] }, 'nested_value'],
      [{ records: 'all' }, 'wrong_type'],
      [{ records: [rows[0]], explain: 'yes' }, 'wrong_type'],
      [{ records: [rows[0]], limit: 3 }, 'unexpected_field'],
      [42, 'wrong_type'],
    ];
    for (const [payload, code] of cases) {
      const r = await app.inject({
        method: 'POST',
        url: '/predict',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
      assert.equal(r.statusCode, 400, JSON.stringify(payload));
      assert.equal(json(r).issues[0].code, code, JSON.stringify(payload));
    }
  });

  test('invalid JSON, empty body → 400; over the body limit → 413; other media → 415', async () => {
    const h = { 'content-type': 'application/json' };
    const invalid = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: h,
      payload: '{"cement": 1,',
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal(json(invalid).error, 'invalid_json');
    const empty = await app.inject({ method: 'POST', url: '/predict', headers: h, payload: '' });
    assert.equal(empty.statusCode, 400);
    const big = await app.inject({ method: 'POST', url: '/predict', payload: Array(2000).fill(rows[0]) });
    assert.equal(big.statusCode, 413);
    assert.equal(json(big).error, 'body_too_large');
    const xml = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    assert.equal(xml.statusCode, 415);
    const proto = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: h,
      payload: '{"__proto__": {"x": 1}}',
    });
    assert.equal(proto.statusCode, 400);
  });
});

describe('POST /invocations (MLflow scoring protocol)', () => {
  const cols = Object.keys(rows[0]);
  const want = () => pipeline.predict(rows).map((p) => p.prediction);
  const bodies: [string, unknown][] = [
    ['dataframe_split', { dataframe_split: { columns: cols, data: rows.map((r) => cols.map((c) => r[c])) } }],
    ['dataframe_records', { dataframe_records: rows }],
    ['instances (records)', { instances: rows }],
    ['instances (positional)', { instances: rows.map((r) => cols.map((c) => r[c])) }],
    ['inputs (columns)', { inputs: Object.fromEntries(cols.map((c) => [c, rows.map((r) => r[c])])) }],
    ['inputs (records) + params', { inputs: rows, params: {} }],
  ];
  for (const [name, payload] of bodies) {
    test(name, async () => {
      const r = await app.inject({ method: 'POST', url: '/invocations', payload: payload as object });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(json(r), { predictions: want() });
    });
  }

  test('text/csv with a header line, quoting and CRLF', async () => {
    const lines = [cols.map((c) => `"${c}"`).join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))];
    const r = await app.inject({
      method: 'POST',
      url: '/invocations',
      headers: { 'content-type': 'text/csv' },
      payload: `${lines.join('\r\n')}\r\n`,
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(json(r), { predictions: want() });
  });

  test('a rejected row fails the request with error_code BAD_REQUEST; bad formats → 400', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/invocations',
      payload: { dataframe_records: [rows[0], { cement: 1 }] },
    });
    assert.equal(r.statusCode, 400);
    assert.equal(json(r).error_code, 'BAD_REQUEST');
    assert.ok(json(r).issues.every((i: { row: number }) => i.row === 1));
    for (const payload of [
      { rows },
      { dataframe_records: rows, instances: rows },
      { dataframe_split: { columns: cols, data: [[1, 2]] } },
      { inputs: { cement: [1, 2], age: [3] } },
    ]) {
      const bad = await app.inject({ method: 'POST', url: '/invocations', payload });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload).slice(0, 80));
    }
    const csv = await app.inject({
      method: 'POST',
      url: '/invocations',
      headers: { 'content-type': 'text/csv' },
      payload: 'cement,age\n1,2,3\n',
    });
    assert.equal(csv.statusCode, 400);
    assert.equal(json(csv).issues[0].code, 'wrong_width');
  });
});

describe('info routes', () => {
  test('health, ready, metadata', async () => {
    assert.deepEqual(json(await app.inject({ url: '/health' })), { status: 'ok' });
    const ready = json(await app.inject({ url: '/ready' }));
    assert.equal(ready.ready, true);
    const md = json(await app.inject({ url: '/metadata' }));
    assert.equal(md.model.run_id, pipeline.runId);
    assert.equal(md.model.kind, 'gbdt');
    assert.deepEqual(
      md.features.map((f: { name: string }) => f.name),
      Object.keys(rows[0]),
    );
    assert.ok(md.metrics.test.r2 > 0.8);
    assert.equal(md.policy.missing_feature, 'reject');
    assert.equal(md.intervals.calibration.coverage, 0.9);
    assert.ok(Math.abs(md.intervals.on_test.test.coverage - 0.9) < 0.1);
    assert.ok(md.feature_importance);
    assert.ok(md.contract);
  });

  test('openapi.json documents the routes with the contract; /docs serves a page', async () => {
    const spec = json(await app.inject({ url: '/openapi.json' }));
    assert.equal(spec.openapi, '3.1.0');
    for (const p of ['/predict', '/invocations', '/health', '/ready', '/metadata', '/metrics'])
      assert.ok(spec.paths[p], p);
    const body = spec.paths['/predict'].post.requestBody.content['application/json'].schema;
    const record = body.anyOf[0];
    assert.match(record.properties.cement.description, /train range \[102, 540\]/);
    const docs = await app.inject({ url: '/docs' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });

  test('metrics count requests by route and status, rejected rows by code, and name the model', async () => {
    const text = (await app.inject({ url: '/metrics' })).body;
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
    assert.ok(
      value(/tabflow_http_requests_total\{method="POST",route="\/predict",status="200"\} (\d+)/) >= 4,
    );
    assert.ok(
      value(/tabflow_http_requests_total\{method="POST",route="\/predict",status="400"\} (\d+)/) >= 7,
    );
    assert.ok(value(/tabflow_rejected_rows_total\{code="wrong_type"\} (\d+)/) >= 2);
    assert.ok(value(/tabflow_rejected_rows_total\{code="missing_feature"\} (\d+)/) >= 1);
    assert.match(text, new RegExp(`tabflow_model_info\\{model="gbdt",run_id="${pipeline.runId}"`));
    assert.match(text, /tabflow_http_request_duration_seconds_bucket\{le="\+Inf",route="\/predict"\} \d+/);
  });

  test('unknown route → 404; a caller request id is kept', async () => {
    const r = await app.inject({ url: '/nope', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(r.statusCode, 404);
    assert.equal(json(r).error, 'not_found');
    assert.equal(r.headers['x-request-id'], 'abc-123');
    const weird = await app.inject({ url: '/health', headers: { 'x-request-id': 'a b\u00e9' } });
    assert.notEqual(weird.headers['x-request-id'], 'a b\u00e9');
  });
});

describe('error mapping', () => {
  const fake = (err: Error): ModelPipeline => ({
    runId: 'r1',
    modelName: 'fake',
    metadata: {},
    contract: {},
    predict: () => {
      throw err;
    },
  });

  test('a TabflowError answers with its class status; an unexpected error is a 500 without a stack', async () => {
    const cases: [Error, number, string][] = [
      [
        new ValidationError([{ path: 'X', code: 'feature_count', message: 'wrong width' }]),
        400,
        'invalid_input',
      ],
      [new ModelError('fit_failed', 'the model diverged'), 500, 'fit_failed'],
      [new TypeError('Cannot read properties of undefined (reading "x")'), 500, 'internal_error'],
    ];
    for (const [err, status, code] of cases) {
      const server = await createServer({ pipeline: fake(err) });
      const r = await server.inject({ method: 'POST', url: '/predict', payload: { a: 1 } });
      await server.close();
      assert.equal(r.statusCode, status);
      assert.equal(json(r).error, code);
      assert.doesNotMatch(r.body, /\n\s+at |\.ts:\d+|reading "x"/);
      assert.equal(json(r).request_id, r.headers['x-request-id']);
    }
  });
});
