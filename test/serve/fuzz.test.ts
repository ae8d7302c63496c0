/**
 * Reliability: ≥ 10,000 generated malformed payloads (wrong types, huge numbers, NaN/Infinity
 * strings, deep nesting, empty bodies, invalid JSON, unicode, odd content types) against both
 * prediction routes, with the prediction log on. Zero 5xx, every answer JSON with an error code
 * or predictions, and the heap does not grow with the number of requests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { InferencePipeline } from '../../src/inference/index.js';
import { PredictionLog } from '../../src/log/index.js';
import { createServer } from '../../src/serve/index.js';
import { reportFigures } from '../helpers/reliability.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

const RUNS = 10_000;
const FEATURES = Object.keys(concreteRecords(1)[0]);
let app: FastifyInstance;
let log: PredictionLog;

before(async () => {
  const pipeline = InferencePipeline.load((await trainConcrete()).production);
  log = await PredictionLog.open(join(mkdtempSync(join(tmpdir(), 'tabflow-fuzz-')), 'p.sqlite'));
  app = await createServer({ pipeline, log, bodyLimit: 256 * 1024 });
});
after(() => app.close());

const weirdNumberText = fc.constantFrom(
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '1e-400',
  '9'.repeat(400),
  '0x1F',
  '1_000',
  '',
  ' ',
  '١٢٣',
  '1,5',
);
const scalar = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  weirdNumberText,
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((b) => Number(b)),
);
const value = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.jsonValue({ depthSize: 'small' }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
);
const featureKey = fc.oneof(
  fc.constantFrom(...FEATURES, '__proto__', 'constructor', 'records', ''),
  fc.string(),
);
const garbage = fc.dictionary(featureKey, value, { maxKeys: 12 });
// A real row with a few fields replaced, dropped or added: exercises the per-row contract paths.
const ROWS = concreteRecords(50);
const mutated = fc
  .tuple(
    fc.constantFrom(...ROWS),
    fc.dictionary(featureKey, fc.oneof(scalar, fc.constant(undefined)), { maxKeys: 3 }),
  )
  .map(([row, patch]) => {
    const out: Record<string, unknown> = { ...row };
    for (const [k, v] of Object.entries(patch)) {
      if (k === '__proto__') continue;
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  });
const record = fc.oneof(garbage, mutated, fc.constantFrom(...ROWS));
const jsonBody = fc.oneof(
  record,
  fc.array(record, { maxLength: 6 }),
  fc.record(
    { records: fc.oneof(fc.array(record, { maxLength: 4 }), value), explain: value, interval: value },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      dataframe_split: fc.record(
        { columns: fc.oneof(fc.array(featureKey), value), data: fc.oneof(fc.array(fc.array(value)), value) },
        { requiredKeys: [] },
      ),
      dataframe_records: fc.oneof(fc.array(record, { maxLength: 4 }), value),
      instances: fc.oneof(fc.array(fc.oneof(record, fc.array(value)), { maxLength: 4 }), value),
      inputs: fc.oneof(fc.dictionary(featureKey, fc.array(value, { maxLength: 4 })), value),
      params: value,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);
const deep = fc
  .tuple(fc.integer({ min: 100, max: 10_000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => `${open.repeat(n)}1${(open === '[' ? ']' : '}').repeat(n)}`);
const rawText = fc.oneof(
  jsonBody.map((b) => JSON.stringify(b) ?? ''),
  jsonBody.map((b) => (JSON.stringify(b) ?? '').slice(0, -1)), // truncated
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constant(''),
  deep,
  fc
    .array(fc.array(fc.oneof(weirdNumberText, fc.string()), { maxLength: 9 }), { maxLength: 5 })
    .map((rows) => [FEATURES.join(','), ...rows.map((r) => r.join(','))].join('\n')),
  fc.constant(`{"cement": 1e999, "age": -1e999, "water": ${'1'.repeat(500)}}`),
);
const request = fc.record({
  url: fc.constantFrom(
    '/predict',
    '/invocations',
    '/predict?explain=true&interval=true',
    '/predict?explain=%ZZ',
    '/invocations?interval=1',
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'text/csv',
    'text/plain',
    'application/json; charset=latin1',
    undefined,
  ),
  body: rawText,
});

test(`${RUNS} malformed payloads: no 5xx, JSON answers, bounded heap`, async (t) => {
  const gc = exposeGc();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async ({ url, contentType, body }) => {
      const r = await app.inject({
        method: 'POST',
        url,
        headers: contentType ? { 'content-type': contentType } : {},
        payload: body,
      });
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      assert.ok(
        r.statusCode < 500,
        `${r.statusCode} for ${url} ${contentType}: ${body.slice(0, 200)} → ${r.body.slice(0, 300)}`,
      );
      const parsed = JSON.parse(r.body);
      assert.ok(
        r.statusCode === 200 ? parsed.predictions : typeof parsed.error === 'string',
        r.body.slice(0, 200),
      );
      assert.doesNotMatch(r.body, /\n\s+at /);
    }),
    { numRuns: RUNS, seed: 20260401 },
  );
  const health = await app.inject({ url: '/health' });
  assert.equal(health.statusCode, 200, 'the server still answers');
  // The mix must exercise acceptance and several refusal paths, not one error over and over.
  assert.ok((statuses.get(200) ?? 0) > 20, JSON.stringify([...statuses]));
  assert.ok((statuses.get(400) ?? 0) > RUNS / 4, JSON.stringify([...statuses]));
  assert.ok(statuses.has(415), JSON.stringify([...statuses]));
  await log.flush();
  gc();
  const grown = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  assert.ok(grown < 64, `heap grew by ${grown.toFixed(1)} MiB over ${RUNS} requests`);
  const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([code, n]) => `${code}×${n}`);
  reportFigures(t, {
    run: 'HTTP payload fuzz (POST /predict, /invocations)',
    cases: RUNS,
    failures: [...statuses].filter(([code]) => code >= 500).reduce((s, [, n]) => s + n, 0),
    detail: `answers ${byStatus.join(' ')}; heap +${grown.toFixed(1)} MiB`,
  });
});

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
