/**
 * The prediction log's write and read path on SQLite: the prepared statements the log uses
 * (SqlitePredictionStore) against kysely 0.28 over the same better-sqlite3 file, per-row inserts
 * and one multi-row insert per batch, and a full read of the rows. Decides whether the log's hot
 * path can go through kysely as the registry does (src/store/README.md). Then the PostgreSQL log
 * (PostgresPredictionStore: one unnest INSERT per batch, keyset-paged reads) on the server at
 * TABFLOW_TEST_POSTGRES (default postgres://<user>@127.0.0.1:5432/test), in a schema dropped after;
 * skipped with a note when the server cannot be reached.
 *
 * usage: node --import tsx bench/log-store.ts [--batch 128] [--batches 400]
 * writes bench/results/log-store.json
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { type NewPrediction, PostgresPredictionStore, SqlitePredictionStore } from '../src/internal.js';
import { LOG_COLUMNS, LOG_DDL } from '../src/store/sqlite/log-schema.js';
import { writeResult } from './write-result.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const BATCH = arg('batch', 128);
const BATCHES = arg('batches', 400);
const dir = mkdtempSync(join(tmpdir(), 'tabflow-bench-log-store-'));

function row(i: number): NewPrediction {
  return {
    ts: 1_767_225_600_000 + i,
    request_id: `req-${i}`,
    row: 0,
    route: '/predict',
    model_name: 'diamonds',
    run_id: 'run-a',
    status: 'ok',
    prediction: 1.5,
    lower: 1,
    upper: 2,
    coverage: 0.9,
    latency_ms: 0.3,
    features: JSON.stringify({
      carat: 0.23,
      cut: 'Ideal',
      color: 'E',
      clarity: 'SI2',
      depth: 61.5,
      table: 55,
    }),
    warnings: null,
    errors: null,
    model_version: 1,
    stage: 'production',
    arm: null,
    experiment_id: null,
  };
}

function rawFile(name: string): Database.Database {
  const db = new Database(join(dir, `${name}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(LOG_DDL);
  return db;
}

type Mode =
  | 'prepared (the log)'
  | 'kysely, a row per insert'
  | 'kysely, one insert per batch'
  | 'postgres (the log)';

const PG_URL = process.env.TABFLOW_TEST_POSTGRES ?? `postgres://${userInfo().username}@127.0.0.1:5432/test`;

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch (e) {
    console.log(`PostgreSQL at ${PG_URL} unreachable (${(e as Error).message}): its rows are skipped`);
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** The PostgreSQL log in a fresh schema: the batches appended one after another, then read back. */
async function writePostgres(batches: NewPrediction[][]): Promise<{ ms: number; readMs: number }> {
  const schema = `tabflow_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  const store = await PostgresPredictionStore.open(url.toString());
  try {
    const t = performance.now();
    for (const b of batches) await store.append(b);
    const ms = performance.now() - t;
    const r = performance.now();
    for await (const p of store.predictions({ newestFirst: true })) JSON.parse(p.features);
    return { ms, readMs: performance.now() - r };
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
}

async function writeWith(mode: Mode, batches: NewPrediction[][]): Promise<{ ms: number; readMs: number }> {
  if (mode === 'postgres (the log)') return writePostgres(batches);
  const name = `${mode.replace(/\W+/g, '-')}-${batches[0].length}`;
  if (mode === 'prepared (the log)') {
    const store = new SqlitePredictionStore(join(dir, `${name}.sqlite`));
    const t = performance.now();
    for (const b of batches) store.append(b);
    const ms = performance.now() - t;
    const r = performance.now();
    for await (const p of store.predictions({ newestFirst: true })) JSON.parse(p.features);
    const readMs = performance.now() - r;
    await store.close();
    return { ms, readMs };
  }
  const k = new Kysely<{ predictions: NewPrediction & { id: Generated<number> } }>({
    dialect: new SqliteDialect({ database: rawFile(name) }),
  });
  const t = performance.now();
  for (const b of batches) {
    await k.connection().execute(async (c) => {
      await sql`BEGIN`.execute(c);
      if (mode === 'kysely, a row per insert') {
        for (const r of b) await c.insertInto('predictions').values(r).execute();
      } else {
        // SQLite binds at most 32,766 parameters per statement: 19 columns, 1,000 rows a chunk.
        for (let i = 0; i < b.length; i += 1000)
          await c
            .insertInto('predictions')
            .values(b.slice(i, i + 1000))
            .execute();
      }
      await sql`COMMIT`.execute(c);
    });
  }
  const ms = performance.now() - t;
  const r = performance.now();
  const rows = k.selectFrom('predictions').selectAll().orderBy('id', 'desc').stream();
  for await (const p of rows) JSON.parse(p.features);
  const readMs = performance.now() - r;
  await k.destroy();
  return { ms, readMs };
}

async function main(): Promise<void> {
  const out: Record<string, unknown>[] = [];
  const withPg = await postgresReachable();
  try {
    for (const batch of [BATCH, 1]) {
      const n = batch === 1 ? Math.min(BATCHES * 4, 2000) : BATCHES;
      const batches = Array.from({ length: n }, (_, b) =>
        Array.from({ length: batch }, (_, i) => row(b * batch + i)),
      );
      const modes: Mode[] = [
        'prepared (the log)',
        'kysely, a row per insert',
        'kysely, one insert per batch',
      ];
      if (withPg) modes.push('postgres (the log)');
      for (const mode of modes) {
        const { ms, readMs } = await writeWith(mode, batches);
        const r = {
          mode,
          rows_per_transaction: batch,
          ms_per_transaction: Math.round((ms / n) * 1000) / 1000,
          rows_per_s: Math.round(((batch * n) / ms) * 1000),
          read_ms: Math.round(readMs),
          rows: batch * n,
        };
        console.log(JSON.stringify(r));
        out.push(r);
      }
    }
    writeResult('log-store', {
      runs: out,
      note:
        `${LOG_COLUMNS.length} columns; SQLite: WAL, synchronous NORMAL; PostgreSQL 15 on the same machine ` +
        '(loopback TCP, default fsync and synchronous_commit): one unnest INSERT per batch, reads in keyset pages of 2,000',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
