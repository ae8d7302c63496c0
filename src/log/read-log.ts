/**
 * Reading the prediction log: time filters (`--since 1h` or an ISO date), a summary, and rows as
 * plain objects with their JSON columns parsed.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DataError, UsageError } from '../core/errors.js';
import type { LoggedPrediction } from './log-schema.js';
import { logFileError, probeLogFile } from './open-log-db.js';

export interface LogQuery {
  /** ms since the epoch, inclusive. */
  since?: number;
  until?: number;
  runId?: string;
  /** Only rows of this registered version. */
  version?: number;
  limit?: number;
  /** Newest first (default oldest first). */
  newestFirst?: boolean;
}

export interface LogRecord {
  id: number;
  time: string;
  request_id: string;
  row: number;
  route: string | null;
  model_name: string;
  run_id: string;
  model_version: number | null;
  stage: string | null;
  /** A/B arm and experiment id; null outside an experiment (and in logs written before them). */
  arm: string | null;
  experiment_id: string | null;
  status: string;
  prediction: number | null;
  lower: number | null;
  upper: number | null;
  coverage: number | null;
  latency_ms: number | null;
  features: Record<string, unknown>;
  warnings: unknown[];
  errors: unknown[];
}

export interface LogSummary {
  rows: number;
  first: string | null;
  last: string | null;
  by_run: {
    run_id: string;
    model_name: string;
    model_version: number | null;
    stage: string | null;
    /** A/B arm (champion, challenger, shadow); null outside an experiment. */
    arm: string | null;
    rows: number;
    rejected: number;
    warned: number;
  }[];
}

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** `1h`, `30m`, `2d`, `90s`, `1w` (before `now`) or an ISO 8601 date → ms since the epoch. */
export function parseSince(text: string, now = Date.now()): number {
  const rel = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]];
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new UsageError(
      'bad_since',
      `--since ${JSON.stringify(text)} is not allowed: expected a duration such as 30m, 1h, 2d ` +
        'or an ISO date such as 2026-01-31T12:00:00Z',
    );
  }
  return t;
}

export function openLogForReading(file: string): Database.Database {
  if (!existsSync(file)) {
    throw new DataError(
      'no_log',
      `No prediction log at ${file}: start \`tabflow serve\` and send predictions first`,
    );
  }
  let db: Database.Database | undefined;
  let tables: string[];
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    tables = probeLogFile(db);
  } catch (e) {
    db?.close();
    throw logFileError(file, e, 'open');
  }
  if (!tables.includes('predictions')) {
    db.close();
    throw new DataError(
      'not_a_log',
      `${file} is an SQLite database but not a prediction log: it has no predictions table ` +
        `(tables: ${tables.join(', ') || 'none'})`,
    );
  }
  return db;
}

/** `fn` on the log; a damaged page met on the way becomes a DataError naming the file. */
function named<T>(db: Database.Database, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw logFileError(db.name, e, 'read');
  }
}

/**
 * Whether the log has the registry columns: a log written before them and opened read-only here
 * is not migrated, so queries fall back to NULL for them.
 */
function hasVersionColumns(db: Database.Database): boolean {
  const cols = db.pragma('table_info(predictions)') as { name: string }[];
  return cols.some((c) => c.name === 'model_version');
}

function where(q: LogQuery, db: Database.Database): { sql: string; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  if (q.since !== undefined) {
    parts.push('ts >= ?');
    args.push(q.since);
  }
  if (q.until !== undefined) {
    parts.push('ts < ?');
    args.push(q.until);
  }
  if (q.runId) {
    parts.push('run_id = ?');
    args.push(q.runId);
  }
  if (q.version !== undefined) {
    parts.push(hasVersionColumns(db) ? 'model_version = ?' : '(0 AND ? IS NULL)');
    args.push(q.version);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

/** Rows matching `q`, streamed (the log can be larger than memory). */
export function* readLog(db: Database.Database, q: LogQuery = {}): Generator<LogRecord> {
  const rows = named(db, () => {
    const w = where(q, db);
    const order = q.newestFirst ? 'DESC' : 'ASC';
    const limit = q.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(q.limit))}` : '';
    const stmt = db.prepare(`SELECT * FROM predictions ${w.sql} ORDER BY id ${order}${limit}`);
    return stmt.iterate(...w.args) as IterableIterator<LoggedPrediction>;
  });
  try {
    for (;;) {
      const next = named(db, () => rows.next());
      if (next.done) return;
      yield toRecord(next.value);
    }
  } finally {
    // A reader that stops early (a window filled) frees the statement.
    rows.return?.();
  }
}

export function summarizeLog(db: Database.Database, q: LogQuery = {}): LogSummary {
  return named(db, () => summarize(db, q));
}

function summarize(db: Database.Database, q: LogQuery): LogSummary {
  const w = where(q, db);
  const total = db
    .prepare(`SELECT COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last FROM predictions ${w.sql}`)
    .get(...w.args) as { n: number; first: number | null; last: number | null };
  const have = new Set((db.pragma('table_info(predictions)') as { name: string }[]).map((c) => c.name));
  const col = (c: string) => (have.has(c) ? c : `NULL AS ${c}`);
  const byRun = db
    .prepare(
      `SELECT run_id, model_name, ${col('model_version')}, ${col('stage')}, ${col('arm')}, COUNT(*) AS rows,
        SUM(status = 'rejected') AS rejected, SUM(warnings IS NOT NULL) AS warned FROM predictions ${w.sql}
        GROUP BY run_id, model_name, model_version, stage, arm ORDER BY MIN(ts)`,
    )
    .all(...w.args) as LogSummary['by_run'];
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return { rows: total.n, first: iso(total.first), last: iso(total.last), by_run: byRun };
}

function toRecord(r: LoggedPrediction): LogRecord {
  return {
    id: r.id,
    time: new Date(r.ts).toISOString(),
    request_id: r.request_id,
    row: r.row,
    route: r.route,
    model_name: r.model_name,
    run_id: r.run_id,
    model_version: r.model_version ?? null,
    stage: r.stage ?? null,
    arm: r.arm ?? null,
    experiment_id: r.experiment_id ?? null,
    status: r.status,
    prediction: r.prediction,
    lower: r.lower,
    upper: r.upper,
    coverage: r.coverage,
    latency_ms: r.latency_ms,
    features: JSON.parse(r.features) as Record<string, unknown>,
    warnings: r.warnings ? (JSON.parse(r.warnings) as unknown[]) : [],
    errors: r.errors ? (JSON.parse(r.errors) as unknown[]) : [],
  };
}
