/**
 * `kill -9` of `tabflow serve` right after N answered predictions. Under `log.durability: ack`
 * every answered row is in predictions.sqlite and takes feedback; under `buffered` (with a batch
 * and timer that never fire) the same kill loses them all, and feedback for a lost id says that
 * the prediction was not logged instead of accepting it. A failed ack write answers 503.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { InferencePipeline } from '../../src/inference/index.js';
import { FeedbackStore } from '../../src/log/feedback.js';
import { PredictionLog } from '../../src/log/index.js';
import { createServer } from '../../src/serve/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { reportFigures } from '../helpers/reliability.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
const ROWS = concreteRecords(50);
let model: { root: string; production: string };

before(async () => {
  model = await trainConcrete();
});

/** `tabflow serve` on a free port with `log` settings from a config file; resolves with its URL. */
async function serve(name: string, log: Record<string, unknown>) {
  const config = join(model.root, `${name}.yaml`);
  writeFileSync(config, `log: ${JSON.stringify(log)}\n`);
  const db = join(model.root, `${name}.sqlite`);
  const args = ['serve', '--model', model.production, '--port', '0', '--config', config, '--log-db', db];
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), entry, ...args, '--log-level', 'warn'],
    {
      cwd: model.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const base = await new Promise<string>((res, rej) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) res(m[1]);
    });
    child.on('exit', () => rej(new Error(`serve exited early:\n${stderr}`)));
  });
  return { child, base, db, stderr: () => stderr };
}

/** N requests of 1–3 rows, 5 at a time; the ids and row counts of the answered ones. */
async function predictMany(base: string, n: number): Promise<{ id: string; rows: number }[]> {
  const answered: { id: string; rows: number }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fetch(`${base}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ROWS.slice(i % 45, (i % 45) + 1 + (i % 3))),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { request_id: string; rows: number };
      answered.push({ id: body.request_id, rows: body.rows });
    }
  };
  await Promise.all(Array.from({ length: 5 }, worker));
  return answered;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((res) => child.on('exit', res));
  child.kill('SIGKILL');
  await exited;
}

function loggedIds(file: string): Map<string, number> {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT request_id, COUNT(*) AS n FROM predictions GROUP BY request_id').all() as {
    request_id: string;
    n: number;
  }[];
  db.close();
  return new Map(rows.map((r) => [r.request_id, r.n]));
}

const N = 60;

test('log.durability ack: SIGKILL right after N answered predictions → all N requests and their rows are logged', async (t) => {
  // A batch and a timer that would never write by themselves: only the ack commits rows.
  const s = await serve('ack', { durability: 'ack', batch_size: 100000, flush_ms: 60000 });
  assert.match(s.stderr(), /prediction log .*ack\.sqlite \(ack\)/);
  const answered = await predictMany(s.base, N);
  await kill9(s.child);
  const logged = loggedIds(s.db);
  assert.equal(answered.length, N);
  for (const a of answered) assert.equal(logged.get(a.id), a.rows, `request ${a.id}`);
  assert.equal(logged.size, N);
  const rows = answered.reduce((sum, a) => sum + a.rows, 0);
  reportFigures(t, {
    run: 'kill -9 of tabflow serve, log.durability ack',
    cases: N,
    failures: N - answered.length,
    lost: N - answered.filter((a) => logged.get(a.id) === a.rows).length,
    detail: `${N} requests (${rows} rows) answered 200, then SIGKILL; feedback accepted for every logged id`,
  });

  const store = await FeedbackStore.open(s.db);
  const report = await store.record(
    answered.filter((a) => a.rows === 1).map((a) => ({ request_id: a.id, actual: 30 })),
  );
  await store.close();
  assert.equal(report.rejected, 0);
  assert.equal(report.accepted, N / 3);
});

test('log.durability buffered: the same kill loses the unwritten rows, and feedback for a lost id says so', async (t) => {
  const s = await serve('buffered', { durability: 'buffered', batch_size: 100000, flush_ms: 60000 });
  assert.match(s.stderr(), /prediction log .*buffered\.sqlite \(buffered\)/);
  const answered = await predictMany(s.base, N);
  await kill9(s.child);
  assert.equal(loggedIds(s.db).size, 0, 'every answered row was still in the buffer');
  reportFigures(t, {
    run: 'kill -9 of tabflow serve, log.durability buffered (batch and timer never fire)',
    cases: N,
    failures: 0,
    lost: answered.length,
    detail:
      'the worst case the default allows is < log.batch_size rows from the last log.flush_ms; feedback for a lost id is refused as never logged',
  });

  const store = await FeedbackStore.open(s.db);
  const report = await store.record([{ request_id: answered[0].id, actual: 30 }]);
  await store.close();
  assert.equal(report.accepted, 0);
  const v = report.verdicts[0];
  assert.equal(v.status, 'rejected');
  assert.equal(v.status === 'rejected' && v.code, 'unknown_request');
  assert.match(v.status === 'rejected' ? v.message : '', /answered but never logged.*not stored/);
});

test('log.durability ack: a write that fails answers 503 naming the log, not an unlogged 200', async () => {
  const file = join(model.root, 'locked.sqlite');
  const log = await PredictionLog.open(file, { durability: 'ack', busyTimeoutMs: 1 });
  const app = await createServer({ pipeline: InferencePipeline.load(model.production), log });
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE'); // another writer holds the lock
  const refused = await app.inject({ method: 'POST', url: '/predict', payload: [ROWS[0]] });
  assert.equal(refused.statusCode, 503, refused.body);
  const body = JSON.parse(refused.body);
  assert.equal(body.error, 'log_write_failed');
  assert.match(body.message, /locked\.sqlite.*not answered; retry/);
  other.exec('COMMIT');
  other.close();
  const ok = await app.inject({ method: 'POST', url: '/predict', payload: [ROWS[0]] });
  assert.equal(ok.statusCode, 200, ok.body);
  await app.close();
  assert.deepEqual([...loggedIds(file).keys()], [JSON.parse(ok.body).request_id]);
});

test('serve --log-durability takes buffered or ack; anything else is exit 2 naming the flag', async () => {
  const r = await tabflowInProcess(['serve', '--model', model.production, '--log-durability', 'sync']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--log-durability "sync" is not allowed: expected buffered or ack/);
});
