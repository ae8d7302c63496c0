/**
 * The prediction log: batched writes lose nothing on close, queries filter by time and run,
 * exports round-trip in every format.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import {
  exportLog,
  openLogForReading,
  PredictionLog,
  type PredictionLogEntry,
  parseSince,
  readLog,
  summarizeLog,
} from '../../src/log/index.js';
import { collect } from '../helpers/collect.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tabflow-log-'));

function entry(i: number, over: Partial<PredictionLogEntry> = {}): PredictionLogEntry {
  return {
    requestId: `req-${Math.floor(i / 3)}`,
    row: i % 3,
    ts: Date.UTC(2026, 0, 1) + i * 1000,
    route: '/predict',
    modelName: 'gbdt',
    runId: i % 2 ? 'run-b' : 'run-a',
    status: i % 10 === 0 ? 'rejected' : 'ok',
    prediction: i % 10 === 0 ? null : i * 0.5,
    interval: { lower: i * 0.5 - 1, upper: i * 0.5 + 1, coverage: 0.9 },
    latencyMs: 1.25,
    features: { age: i, cement: 100 + i, mix: i % 2 ? 'a,"b"' : 'c\u00e9', prediction: 'clash' },
    warnings: i % 7 === 0 ? [{ code: 'out_of_range', field: 'age', message: 'age above train max' }] : [],
    errors: i % 10 === 0 ? [{ code: 'wrong_type', field: 'cement', message: 'bad' }] : [],
    ...over,
  };
}

test('N appended rows are exactly N rows after close, written in batches', async () => {
  const file = join(tmp(), 'sub', 'p.sqlite');
  const log = await PredictionLog.open(file, { batchSize: 100, flushMs: 60_000 });
  const N = 12_345;
  for (let i = 0; i < N; i++) {
    log.append(entry(i));
    // Flushes happen by size: the buffer never holds a full batch.
    assert.ok(log.pending < 100);
  }
  assert.equal(log.writtenCount, N - (N % 100));
  await log.close();
  await log.close(); // idempotent
  assert.throws(() => log.append(entry(0)), /closed/);
  const db = new Database(file, { readonly: true });
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM predictions').get() as { n: number }).n, N);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const row = db.prepare('SELECT * FROM predictions WHERE id = 8').get() as Record<string, unknown>;
  assert.equal(row.request_id, 'req-2');
  assert.equal(row.prediction, 3.5);
  assert.equal(row.lower, 2.5);
  assert.equal(row.coverage, 0.9);
  // Features are JSON that SQLite scans directly (what drift jobs will do).
  const mean = db.prepare("SELECT AVG(json_extract(features, '$.age')) AS m FROM predictions").get() as {
    m: number;
  };
  assert.equal(mean.m, (N - 1) / 2);
  await db.close();
});

test('the interval timer flushes without any further appends; reopening appends to the same table', async () => {
  const file = join(tmp(), 'p.sqlite');
  const log = await PredictionLog.open(file, { batchSize: 1000, flushMs: 20 });
  log.append(entry(1));
  assert.equal(log.pending, 1);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(log.pending, 0);
  assert.equal(log.writtenCount, 1);
  await log.close();
  const again = await PredictionLog.open(file);
  again.append(entry(2));
  await again.close();
  const db = await openLogForReading(file);
  assert.equal((await summarizeLog(db)).rows, 2);
  await db.close();
});

test('failed writes never throw from append: rows stay buffered, past maxBuffered the oldest are dropped', async () => {
  const file = join(tmp(), 'p.sqlite');
  const errors: Error[] = [];
  const log = await PredictionLog.open(file, {
    batchSize: 10,
    maxBuffered: 25,
    busyTimeoutMs: 1,
    flushMs: 60_000,
    onError: (e) => errors.push(e),
  });
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE'); // another writer holds the lock
  for (let i = 0; i < 30; i++) log.append(entry(i));
  assert.ok(errors.length >= 2 && errors.every((e) => /locked|busy/i.test(e.message)), String(errors));
  await assert.rejects(async () => log.flush(), /locked|busy/i, 'an explicit flush reports the failure');
  assert.equal(log.pending, 25);
  assert.equal(log.droppedCount, 5);
  assert.equal(log.writtenCount, 0);
  other.exec('COMMIT');
  await other.close();
  await log.close();
  const db = await openLogForReading(file);
  const ages = (await collect(readLog(db))).map((r) => r.features.age);
  assert.deepEqual(
    ages,
    Array.from({ length: 25 }, (_, i) => i + 5),
    'the newest 25 rows, in order',
  );
  await db.close();
});

test('non-finite numbers are stored as NULL, not as garbage', async () => {
  const file = join(tmp(), 'p.sqlite');
  const log = await PredictionLog.open(file);
  log.append(
    entry(1, { prediction: Number.NaN, interval: { lower: -Infinity, upper: Infinity, coverage: 0.9 } }),
  );
  await log.close();
  const db = await openLogForReading(file);
  const [r] = await collect(readLog(db));
  assert.equal(r.prediction, null);
  assert.equal(r.lower, null);
  assert.equal(r.upper, null);
  await db.close();
});

test('parseSince: durations and ISO dates; anything else names the flag', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  assert.equal(parseSince('1h', now), now - 3600_000);
  assert.equal(parseSince('30m', now), now - 1800_000);
  assert.equal(parseSince('2d', now), now - 2 * 86400_000);
  assert.equal(parseSince('2026-06-01T00:00:00Z', now), Date.UTC(2026, 5, 1));
  assert.throws(() => parseSince('yesterday', now), /--since "yesterday" is not allowed/);
});

test('queries filter by time and run; the summary counts per run', async () => {
  const file = join(tmp(), 'p.sqlite');
  const log = await PredictionLog.open(file);
  for (let i = 0; i < 100; i++) log.append(entry(i));
  await log.close();
  const db = await openLogForReading(file);
  const since = Date.UTC(2026, 0, 1) + 90_000;
  const rows = await collect(readLog(db, { since }));
  assert.equal(rows.length, 10);
  assert.equal(rows[0].time, new Date(since).toISOString());
  assert.deepEqual(rows[0].features, { age: 90, cement: 190, mix: 'c\u00e9', prediction: 'clash' });
  assert.equal(rows[0].errors.length, 1);
  assert.equal((await collect(readLog(db, { runId: 'run-a' }))).length, 50);
  const latest = await collect(readLog(db, { limit: 3, newestFirst: true }));
  assert.deepEqual(
    latest.map((r) => r.id),
    [100, 99, 98],
  );
  const s = await summarizeLog(db);
  assert.equal(s.rows, 100);
  assert.deepEqual(
    s.by_run.map((r) => [r.run_id, r.rows, r.rejected, r.warned]),
    [
      ['run-a', 50, 10, 8],
      ['run-b', 50, 0, 7],
    ],
  );
  await db.close();
});

test('exports: csv (a column per feature), json, ndjson, parquet', async () => {
  const dir = tmp();
  const file = join(dir, 'p.sqlite');
  const log = await PredictionLog.open(file);
  for (let i = 0; i < 30; i++) log.append(entry(i));
  await log.close();
  const db = await openLogForReading(file);
  assert.equal(await exportLog(db, join(dir, 'out.csv')), 30);
  const csv = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 31);
  const header = csv[0].split(',');
  assert.deepEqual(header.slice(6, 9), ['run_id', 'model_version', 'stage']);
  assert.deepEqual(header.slice(15), [
    'age',
    'cement',
    'mix',
    'input_prediction',
    'unknown_fields',
    'unknown_fields_omitted',
    'warnings',
    'errors',
  ]);
  assert.match(csv[2], /,"a,""b""",clash,/);
  await exportLog(db, join(dir, 'out.json'), { since: Date.UTC(2026, 0, 1) + 20_000 });
  const js = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  assert.equal(js.length, 10);
  assert.equal(js[0].features.age, 20);
  await exportLog(db, join(dir, 'out.ndjson'));
  const nd = readFileSync(join(dir, 'out.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(nd.length, 30);
  assert.equal(nd[7].warnings[0].code, 'out_of_range');
  assert.equal(await exportLog(db, join(dir, 'out.parquet')), 30);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const reader = await con.runAndReadAll(
    `SELECT COUNT(*)::INTEGER AS n, SUM(age)::INTEGER AS s, MAX(prediction) AS p FROM '${join(dir, 'out.parquet')}'`,
  );
  assert.deepEqual(reader.getRowObjects()[0], { n: 30, s: 435, p: 14.5 });
  con.closeSync();
  inst.closeSync();
  await assert.rejects(exportLog(db, join(dir, 'out.xlsx')), /unknown format ".xlsx"/);
  await db.close();
});

test('a missing log file is a clear error', async () => {
  await assert.rejects(
    async () => openLogForReading(join(tmp(), 'none.sqlite')),
    /No prediction log at .*none\.sqlite/,
  );
});

test('each row records the registered version and stage; queries filter and group by version', async () => {
  const file = join(tmp(), 'p.sqlite');
  const log = await PredictionLog.open(file);
  for (let i = 0; i < 40; i++) {
    // v3 in production for the first 25 rows, then v4; a few rows from a plain run folder (no version).
    const versioned = i < 35;
    log.append(
      entry(i, {
        runId: i < 25 ? 'run-a' : 'run-b',
        modelVersion: versioned ? (i < 25 ? 3 : 4) : null,
        stage: versioned ? 'production' : null,
      }),
    );
  }
  await log.close();
  const db = await openLogForReading(file);
  const rows = await collect(readLog(db));
  assert.deepEqual(
    [rows[0].model_version, rows[0].stage, rows[30].model_version, rows[39].model_version, rows[39].stage],
    [3, 'production', 4, null, null],
  );
  assert.equal((await collect(readLog(db, { version: 4 }))).length, 10);
  assert.equal((await collect(readLog(db, { version: 3, runId: 'run-b' }))).length, 0);
  assert.deepEqual(
    (await summarizeLog(db)).by_run.map((r) => [r.run_id, r.model_version, r.stage, r.rows]),
    [
      ['run-a', 3, 'production', 25],
      ['run-b', 4, 'production', 10],
      ['run-b', null, null, 5],
    ],
  );
  await db.close();
});

test('a log written before the registry columns is migrated on open (ALTER TABLE), old rows kept', async () => {
  const file = join(tmp(), 'old.sqlite');
  // The version-1 table, exactly as tabflow wrote it before model_version/stage existed.
  const old = new Database(file);
  old.exec(`
    CREATE TABLE predictions (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, request_id TEXT NOT NULL,
      row INTEGER NOT NULL, route TEXT, model_name TEXT NOT NULL, run_id TEXT NOT NULL,
      status TEXT NOT NULL, prediction REAL, lower REAL, upper REAL, coverage REAL, latency_ms REAL,
      features TEXT NOT NULL, warnings TEXT, errors TEXT);
    CREATE TABLE log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO log_meta VALUES ('schema_version', '1');
    INSERT INTO predictions (ts, request_id, row, model_name, run_id, status, prediction, features)
      VALUES (1767225600000, 'old-1', 0, 'gbdt', 'run-old', 'ok', 12.5, '{"age":3}');`);
  old.close();
  // Readers of an unmigrated log see the new fields as null, and a version filter matches nothing.
  let db = await openLogForReading(file);
  assert.equal((await collect(readLog(db)))[0].model_version, null);
  assert.deepEqual(
    (await summarizeLog(db)).by_run.map((r) => [r.run_id, r.model_version, r.rows]),
    [['run-old', null, 1]],
  );
  assert.equal((await collect(readLog(db, { version: 1 }))).length, 0);
  await db.close();

  const log = await PredictionLog.open(file);
  log.append(entry(1, { runId: 'run-new', modelVersion: 7, stage: 'staging' }));
  await log.close();
  // Opening again does not add the columns twice.
  (await PredictionLog.open(file)).close();
  const raw = new Database(file, { readonly: true });
  const cols = (raw.pragma('table_info(predictions)') as { name: string }[]).map((c) => c.name);
  assert.deepEqual(cols.slice(-4), ['model_version', 'stage', 'arm', 'experiment_id']);
  assert.equal(
    (raw.prepare("SELECT value FROM log_meta WHERE key = 'schema_version'").get() as { value: string }).value,
    '3',
  );
  raw.close();
  db = await openLogForReading(file);
  const rows = await collect(readLog(db));
  assert.deepEqual(
    rows.map((r) => [r.request_id, r.run_id, r.model_version, r.stage, r.prediction]),
    [
      ['old-1', 'run-old', null, null, 12.5],
      ['req-0', 'run-new', 7, 'staging', 0.5],
    ],
  );
  assert.equal((await collect(readLog(db, { version: 7 }))).length, 1);
  await db.close();
});
