/**
 * The prediction log's read queries on SQLite: filters, the summary, predictions joined with
 * their actuals, labelled rows. A log written by an older tabflow and opened read-only is not
 * migrated, so every query checks which columns exist and reads NULL for the missing ones.
 */
import type Database from 'better-sqlite3';
import { type JoinedRow, joinedArrays } from '../joined-rows.js';
import type { JoinedFeedback, JoinQuery, LabelledRow, LogQuery, LogSummary } from '../prediction-store.js';

/** The columns of the predictions table (another process may add some while it is open). */
export function logColumns(db: Database.Database): Set<string> {
  return new Set((db.pragma('table_info(predictions)') as { name: string }[]).map((c) => c.name));
}

/** The conditions of a log query; `p` prefixes the columns (`p.` when joined). */
export function whereOf(
  q: LogQuery,
  cols: Set<string>,
  p = '',
): { parts: string[]; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  if (q.since !== undefined) {
    parts.push(`${p}ts >= ?`);
    args.push(q.since);
  }
  if (q.until !== undefined) {
    parts.push(`${p}ts < ?`);
    args.push(q.until);
  }
  if (q.runId) {
    parts.push(`${p}run_id = ?`);
    args.push(q.runId);
  }
  if (q.version !== undefined) {
    // A log without the column holds no row of a registered version.
    parts.push(cols.has('model_version') ? `${p}model_version = ?` : '(0 AND ? IS NULL)');
    args.push(q.version);
  }
  return { parts, args };
}

/** `WHERE …` of a log query, or nothing. */
export function whereClause(q: LogQuery, cols: Set<string>): { sql: string; args: (string | number)[] } {
  const w = whereOf(q, cols);
  return { sql: w.parts.length ? `WHERE ${w.parts.join(' AND ')}` : '', args: w.args };
}

/** Row counts, time span and per-run counts of the rows `q` selects. */
export function summarize(db: Database.Database, q: LogQuery): LogSummary {
  const have = logColumns(db);
  const w = whereClause(q, have);
  const total = db
    .prepare(`SELECT COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last FROM predictions ${w.sql}`)
    .get(...w.args) as { n: number; first: number | null; last: number | null };
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

/** Logged predictions (status ok) joined with their actuals, oldest first, as typed arrays. */
export function joinFeedback(db: Database.Database, q: JoinQuery): JoinedFeedback {
  const cols = logColumns(db);
  const version = cols.has('model_version') ? 'p.model_version' : 'NULL';
  const arm = cols.has('arm') ? 'p.arm' : 'NULL';
  const w = whereOf({ since: q.since, until: q.until, runId: q.runId }, cols, 'p.');
  const where = ["p.status = 'ok'", 'p.prediction IS NOT NULL', ...w.parts];
  const args = [...w.args];
  if (q.experimentId !== undefined) {
    // A log without the column has no experiment rows.
    where.push(cols.has('experiment_id') ? 'p.experiment_id = ?' : '(0 AND ? IS NULL)');
    args.push(q.experimentId);
  }
  const rows = db
    .prepare(
      `SELECT p.ts, p.request_id, p.row, p.run_id, ${version} AS version, ${arm} AS arm,
              p.prediction, p.lower, p.upper, f.actual
         FROM feedback f JOIN predictions p ON p.request_id = f.request_id AND p.row = f.row
        WHERE ${where.join(' AND ')}
        ORDER BY p.ts, p.id`,
    )
    .raw()
    .all(...args) as JoinedRow[];
  return joinedArrays(rows);
}

/** Every actual that arrived in the range, oldest first, with the inputs of its first `ok` row. */
export function labelledRows(db: Database.Database, q: { since?: number; until?: number }): LabelledRow[] {
  const where: string[] = [];
  const args: number[] = [];
  if (q.since !== undefined) {
    where.push('f.ts >= ?');
    args.push(q.since);
  }
  if (q.until !== undefined) {
    where.push('f.ts < ?');
    args.push(q.until);
  }
  const rows = db
    .prepare(
      `SELECT f.actual,
              (SELECT p.features FROM predictions p
                WHERE p.request_id = f.request_id AND p.row = f.row AND p.status = 'ok'
                ORDER BY p.id LIMIT 1) AS features
         FROM feedback f ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY f.id`,
    )
    .raw()
    .all(...args) as [number, string | null][];
  return rows.map(([actual, features]) => ({ actual, features }));
}
