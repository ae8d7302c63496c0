/**
 * The service on a real socket (127.0.0.1, port 0): a load test whose N logged rows are exactly
 * N rows after close, and `tabflow serve` as a child process that logs every answered prediction
 * and exits 0 on SIGTERM with requests in flight; then `tabflow logs` reads and exports the log.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { InferencePipeline } from '../../src/inference/index.js';
import { PredictionLog } from '../../src/log/index.js';
import { createServer } from '../../src/serve/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

let model: { root: string; production: string };
const ROWS = concreteRecords(200);

before(async () => {
  model = await trainConcrete();
});

const cli = tabflowInProcess;

const countRows = (file: string) => {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare('SELECT COUNT(*) AS n FROM predictions').get() as { n: number }).n;
  db.close();
  return n;
};

/** Request i: 1–4 rows, every 9th request with a row the contract rejects. */
function payload(i: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = ROWS.slice(i % 190, (i % 190) + 1 + (i % 4));
  return i % 9 === 0 ? [...rows, { ...rows[0], cement: 'lots' }] : rows;
}

async function post(base: string, i: number): Promise<{ status: number; rows: number }> {
  const res = await fetch(`${base}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload(i)),
  });
  const body = (await res.json()) as { rows?: number };
  return { status: res.status, rows: body.rows ?? 0 };
}

test('load: N predictions over 50 concurrent connections → exactly N log rows after close', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tabflow-load-')), 'p.sqlite');
  const log = await PredictionLog.open(file, { batchSize: 256, flushMs: 50 });
  const app = await createServer({ pipeline: InferencePipeline.load(model.production), log });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object' && addr.address === '127.0.0.1');
  const base = `http://127.0.0.1:${addr.port}`;
  const REQUESTS = 1000;
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const r = await post(base, next++);
      assert.equal(r.status, 200);
      sent += r.rows;
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(
    metrics,
    new RegExp(`tabflow_http_requests_total\\{method="POST",route="/predict",status="200"\\} ${REQUESTS}\\b`),
  );
  await app.close();
  assert.equal(log.isClosed, true, 'closing the server closes the log');
  assert.equal(countRows(file), sent);
  assert.ok(sent > 2 * REQUESTS);
});

test('tabflow serve: SIGTERM with requests in flight → every answered row logged, exit 0; tabflow logs reads it', async () => {
  const logFile = join(model.root, 'predictions.sqlite');
  const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      entry,
      'serve',
      '--model',
      model.production,
      '--port',
      '0',
      '--log-level',
      'warn',
    ],
    { cwd: model.root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const base = await new Promise<string>((res, rej) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) res(m[1]);
    });
    child.on('exit', () => rej(new Error(`serve exited early:\n${stderr}`)));
  });
  assert.match(stderr, new RegExp(`prediction log ${logFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const warm = await post(base, 0); // request 0 carries a rejected row
  // 200 requests in flight, SIGTERM once the first answers arrive.
  const inflight = Array.from({ length: 200 }, (_, i) =>
    post(base, i).catch(() => ({ status: -1, rows: 0 })),
  );
  await Promise.race(inflight);
  child.kill('SIGTERM');
  const results = await Promise.all(inflight);
  assert.equal(await exited, 0, stderr);
  const answered = results.filter((r) => r.status === 200);
  assert.ok(answered.length >= 1);
  for (const r of results) assert.ok([200, 503, -1].includes(r.status), `status ${r.status}`);
  const logged = warm.rows + answered.reduce((s, r) => s + r.rows, 0);
  assert.equal(countRows(logFile), logged, `${answered.length} answered of ${results.length}`);
  assert.match(stderr, /stopped on SIGTERM/);

  const summary = await cli(['logs', '--model', model.production, '--json', '--limit', '2']);
  assert.equal(summary.code, 0, summary.stderr);
  const s = JSON.parse(summary.stdout);
  assert.equal(s.rows, logged);
  assert.equal(s.latest.length, 2);
  assert.ok(s.by_run[0].rejected > 0);
  const out = join(model.root, 'log.csv');
  const exp = await cli(['logs', '--db', logFile, '--since', '1h', '--export', out]);
  assert.equal(exp.code, 0, exp.stderr);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, logged + 1);
  const bad = await cli(['logs', '--db', logFile, '--since', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since "soon" is not allowed/);
});

test('tabflow serve refuses a bad port and a missing model with exit code 2', async () => {
  const port = await cli(['serve', '--model', model.production, '--port', '99999']);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port "99999" is not allowed/);
  const missing = await cli(['serve', '--model', join(model.root, 'nothing')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nothing/);
});
