/**
 * /metrics on prom-client: the exposition parses, holds the default process and Node.js runtime
 * metrics beside tabflow's own under their old names, and counts requests, rows and issue codes
 * exactly. With `tabflow serve --workers 2` the answer aggregates both workers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServer } from '../../src/serve/index.js';
import type { ModelPipeline, RowPrediction } from '../../src/serve/pipeline-port.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse the Prometheus text format strictly: every line a comment, a TYPE/HELP, or a sample. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      assert.ok(!types.has(type[1]), `TYPE of ${type[1]} given twice`);
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)",?/g)) labels[k] = v;
    const value = m[3] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[3]);
    // Prometheus reads NaN in any case (Go's ParseFloat); prom-client writes "Nan" for a runtime
    // gauge that has no sample yet (event-loop lag right after start-up).
    assert.ok(!Number.isNaN(value) || m[3].toLowerCase() === 'nan', `bad value in ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}

/** x > 10 warns (out_of_range); a non-number is rejected (wrong_type, listed twice: counted once). */
const pipeline: ModelPipeline = {
  runId: 'run-m',
  modelName: 'fake',
  metadata: { features: [{ name: 'x', type: 'numeric' }] },
  contract: { features: [{ name: 'x', type: 'numeric', min: 0, max: 10 }] },
  predict(records) {
    return records.map((r, row): RowPrediction => {
      const bad = typeof r.x !== 'number';
      const issue = (code: string) => ({ row, code, field: 'x', message: code });
      return {
        row,
        status: bad ? 'rejected' : 'ok',
        prediction: bad ? null : Number(r.x),
        warnings: !bad && Number(r.x) > 10 ? [issue('out_of_range')] : [],
        errors: bad ? [issue('wrong_type'), issue('wrong_type')] : [],
        model: { name: 'fake', run_id: 'run-m' },
      };
    });
  },
};

test('the exposition parses and holds runtime metrics beside exact tabflow counters', async () => {
  const app = await createServer({ pipeline });
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/predict', payload: payload as object });
  for (let i = 0; i < 5; i++) assert.equal((await post([{ x: 1 }, { x: 20 }, { x: 'a' }])).statusCode, 200);
  assert.equal((await post([{ x: 'b' }])).statusCode, 400);
  await app.inject({ url: '/health' });
  const r = await app.inject({ url: '/metrics' });
  assert.equal(r.statusCode, 200);
  assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const { types, samples } = parseExposition(r.body);

  for (const [name, type] of [
    ['process_cpu_user_seconds_total', 'counter'],
    ['process_resident_memory_bytes', 'gauge'],
    ['nodejs_eventloop_lag_seconds', 'gauge'],
    ['nodejs_heap_size_used_bytes', 'gauge'],
    ['tabflow_http_requests_total', 'counter'],
    ['tabflow_http_request_duration_seconds', 'histogram'],
    ['tabflow_prediction_rows_total', 'counter'],
    ['tabflow_rejected_rows_total', 'counter'],
    ['tabflow_warned_rows_total', 'counter'],
    ['tabflow_model_info', 'gauge'],
    ['tabflow_model_reloads_total', 'counter'],
  ]) {
    assert.equal(types.get(name), type, name);
  }
  assert.ok((value(samples, 'process_cpu_user_seconds_total') ?? 0) > 0);
  const requests = (route: string, status: string) =>
    value(samples, 'tabflow_http_requests_total', { method: 'POST', route, status });
  assert.equal(requests('/predict', '200'), 5);
  assert.equal(requests('/predict', '400'), 1);
  assert.equal(
    value(samples, 'tabflow_http_requests_total', { method: 'GET', route: '/health', status: '200' }),
    1,
  );
  assert.equal(value(samples, 'tabflow_prediction_rows_total', { status: 'ok' }), 10);
  assert.equal(value(samples, 'tabflow_prediction_rows_total', { status: 'rejected' }), 6);
  assert.equal(value(samples, 'tabflow_rejected_rows_total', { code: 'wrong_type' }), 6, 'once per row');
  assert.equal(value(samples, 'tabflow_warned_rows_total', { code: 'out_of_range' }), 5);
  assert.equal(value(samples, 'tabflow_http_request_duration_seconds_count', { route: '/predict' }), 6);
  assert.equal(
    value(samples, 'tabflow_http_request_duration_seconds_bucket', { route: '/predict', le: '+Inf' }),
    6,
  );
  assert.equal(value(samples, 'tabflow_model_info', { model: 'fake', run_id: 'run-m' }), 1);
  assert.equal(value(samples, 'tabflow_model_reloads_total', { result: 'failed' }), 0);
  assert.equal(value(samples, 'tabflow_prediction_log_pending_rows'), undefined, 'no log, no log gauges');
  await app.close();
});

test('two servers in one process keep their own counts', async () => {
  const a = await createServer({ pipeline });
  const b = await createServer({ pipeline });
  await a.inject({ method: 'POST', url: '/predict', payload: [{ x: 1 }] });
  const count = async (app: typeof a) =>
    value(
      parseExposition((await app.inject({ url: '/metrics' })).body).samples,
      'tabflow_prediction_rows_total',
      {
        status: 'ok',
      },
    );
  assert.equal(await count(a), 1);
  assert.equal(await count(b), undefined);
  await a.close();
  await b.close();
});

test('tabflow serve --workers 2: /metrics sums both workers, whichever answers', {
  timeout: 180_000,
}, async (t) => {
  const model = await trainConcrete();
  const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
  const args = ['serve', '--model', model.production, '--port', '0', '--workers', '2', '--log-level', 'warn'];
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...args], {
    cwd: model.root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  const base = await new Promise<string>((res, rej) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m && /worker 2 ready/.test(stderr)) res(m[1]);
    });
    child.on('exit', () => rej(new Error(`serve exited early:\n${stderr}`)));
  });
  const rows = concreteRecords(3);
  const N = 40;
  // New connections each time, so both workers get requests.
  for (let i = 0; i < N; i++) {
    const res = await fetch(`${base}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(rows),
    });
    assert.equal(res.status, 200);
  }
  for (let scrape = 0; scrape < 4; scrape++) {
    const res = await fetch(`${base}/metrics`, { headers: { connection: 'close' } });
    assert.equal(res.headers.get('x-tabflow-metrics-scope'), null, 'aggregated, not one worker');
    const { samples } = parseExposition(await res.text());
    assert.equal(
      value(samples, 'tabflow_prediction_rows_total', { status: 'ok' }),
      3 * N,
      `scrape ${scrape}`,
    );
    assert.equal(
      value(samples, 'tabflow_http_requests_total', { method: 'POST', route: '/predict', status: '200' }),
      N,
    );
    assert.ok((value(samples, 'process_cpu_user_seconds_total') ?? 0) > 0);
    assert.equal(
      value(samples, 'tabflow_model_info', { model: 'ridge' }) ?? value(samples, 'tabflow_model_info'),
      1,
    );
  }
  child.kill('SIGTERM');
  await new Promise((res) => child.on('exit', res));
  assert.match(
    stderr,
    /worker 1 stopped.*\n(.*\n)*.*worker 2 stopped|worker 2 stopped.*\n(.*\n)*.*worker 1 stopped/,
  );
  const logged = [...stderr.matchAll(/worker \d stopped on SIGTERM, (\d+) predictions logged/g)].map((m) =>
    Number(m[1]),
  );
  assert.ok(
    logged.every((n) => n > 0),
    `both workers served: ${logged}`,
  );
});
