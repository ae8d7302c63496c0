/**
 * Issue 11, item 17 (server half): `POST /predict` reads `text/csv` bodies (it said "The body is
 * a JSON string"); a media type a route does not read is a 415 naming the ones it does; a known
 * path asked with the wrong method is a 405 with an `Allow` header, not a 404; a 413 states the
 * limit in bytes and how to raise it (flag, config key, library option).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from '../../src/serve/index.js';
import { resolveServeConfig } from '../../src/serve/serve-config.js';
import { fakePipeline } from './stage-fixture.js';

const json = (r: { body: string }) => JSON.parse(r.body);

test('POST /predict with text/csv: one prediction per data row, as JSON would give', async () => {
  const app = await createServer({ pipeline: fakePipeline('r', 100) });
  for (const type of ['text/csv', 'text/csv; charset=utf-8', 'application/csv']) {
    const r = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': type },
      payload: 'x\r\n1\r\n"2.5"\r\n',
    });
    assert.equal(r.statusCode, 200, `${type}: ${r.body}`);
    assert.deepEqual(
      json(r).predictions.map((p: { prediction: number }) => p.prediction),
      [101, 102.5],
    );
  }
  const bad = await app.inject({
    method: 'POST',
    url: '/predict',
    headers: { 'content-type': 'text/csv' },
    payload: 'x\n1,2\n',
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(json(bad).issues[0].code, 'wrong_width');
  // A JSON string is still a JSON string (not read as CSV).
  const str = await app.inject({
    method: 'POST',
    url: '/predict',
    headers: { 'content-type': 'application/json' },
    payload: '"x\\n1"',
  });
  assert.equal(str.statusCode, 400);
  assert.match(json(str).message, /JSON string/);
  await app.close();
});

test('415 names the media types the route reads; CSV only where a route reads it', async () => {
  const app = await createServer({ pipeline: fakePipeline('r', 0) });
  const plain = await app.inject({
    method: 'POST',
    url: '/predict',
    headers: { 'content-type': 'text/plain' },
    payload: 'x=1',
  });
  assert.equal(plain.statusCode, 415);
  assert.equal(json(plain).error, 'unsupported_media_type');
  assert.match(
    json(plain).message,
    /"text\/plain" is not accepted here; send application\/json or text\/csv/,
  );
  const csvFeedback = await app.inject({
    method: 'POST',
    url: '/feedback',
    headers: { 'content-type': 'text/csv' },
    payload: 'request_id,actual\nabc,1\n',
  });
  assert.equal(csvFeedback.statusCode, 415);
  assert.match(json(csvFeedback).message, /"text\/csv" is not accepted here; send application\/json$/);
  await app.close();
});

test('a known path with the wrong method is a 405 with Allow; an unknown path stays a 404', async () => {
  const app = await createServer({ pipeline: fakePipeline('r', 0) });
  const cases: [string, string, string][] = [
    ['GET', '/predict', 'POST'],
    ['PUT', '/predict?interval=true', 'POST'],
    ['GET', '/invocations', 'POST'],
    ['GET', '/feedback', 'POST'],
    ['POST', '/health', 'GET, HEAD'],
    ['DELETE', '/metadata', 'GET, HEAD'],
    ['POST', '/monitoring', 'GET, HEAD'],
  ];
  for (const [method, url, allow] of cases) {
    const r = await app.inject({ method: method as 'GET', url });
    assert.equal(r.statusCode, 405, `${method} ${url}`);
    assert.equal(r.headers.allow, allow, `${method} ${url}`);
    assert.equal(json(r).error, 'method_not_allowed');
    assert.match(json(r).message, new RegExp(`does not answer ${method}; use`));
  }
  const lost = await app.inject({ method: 'GET', url: '/predictions' });
  assert.equal(lost.statusCode, 404);
  assert.equal(lost.headers.allow, undefined);
  await app.close();
});

test('413 states the limit in bytes and how to raise it', async () => {
  const small = await createServer({ pipeline: fakePipeline('r', 0), bodyLimit: 1000 });
  const r = await small.inject({ method: 'POST', url: '/predict', payload: Array(200).fill({ x: 1 }) });
  assert.equal(r.statusCode, 413);
  assert.equal(json(r).error, 'body_too_large');
  assert.match(json(r).message, /limit of 1000 bytes \(1000 B\)/);
  assert.match(
    json(r).message,
    /--body-limit <bytes>, serve\.body_limit in the config, createServer\(\{bodyLimit\}\)/,
  );
  await small.close();
  const dflt = await createServer({ pipeline: fakePipeline('r', 0) });
  const big = await dflt.inject({
    method: 'POST',
    url: '/predict',
    headers: { 'content-type': 'text/csv' },
    payload: `x\n${'1\n'.repeat(600_000)}`,
  });
  assert.equal(big.statusCode, 413);
  assert.match(json(big).message, /limit of 1048576 bytes \(1 MiB\)/);
  await dflt.close();
  // The config key the message names exists.
  assert.equal(resolveServeConfig({ body_limit: 2048 }).body_limit, 2048);
  assert.equal(resolveServeConfig(undefined).body_limit, 1024 * 1024);
});

test('the OpenAPI document lists text/csv request bodies for both prediction routes', async () => {
  const app = await createServer({ pipeline: fakePipeline('r', 0) });
  const spec = json(await app.inject({ url: '/openapi.json' }));
  for (const path of ['/predict', '/invocations']) {
    const content = spec.paths[path].post.requestBody.content;
    assert.ok(content['application/json'].schema, path);
    assert.equal(content['text/csv'].schema.type, 'string', path);
  }
  // The per-model JSON body survives: the record names the model's feature.
  assert.ok(
    JSON.stringify(spec.paths['/predict'].post.requestBody.content['application/json']).includes('"x"'),
  );
  await app.close();
});
