/**
 * The prediction log's read queries in PostgreSQL's SQL: filters as numbered parameters, the
 * summary (FILTER clauses where SQLite sums booleans), predictions joined with their actuals,
 * labelled rows. Every column exists (the log migrates on open), so no query checks for them as
 * the SQLite reads of an older file must.
 */
import type pg from 'pg';
import { type JoinedRow, joinedArrays } from '../joined-rows.js';
import type { JoinedFeedback, JoinQuery, LabelledRow, LogQuery, LogSummary } from '../prediction-store.js';

/** Conditions and their parameters; placeholders continue after `args` already held. */
export interface Where {
  parts: string[];
  args: (string | number)[];
}

/** Add `cond` with one parameter (`$` in `cond` is replaced by its number). */
function add(w: Where, cond: string, arg: string | number): void {
  w.args.push(arg);
  w.parts.push(cond.replace('$', `$${w.args.length}`));
}

/** The conditions of a log query; `p` prefixes the columns (`p.` when joined). */
export function whereOf(q: LogQuery & { experimentId?: string }, p = ''): Where {
  const w: Where = { parts: [], args: [] };
  if (q.since !== undefined) add(w, `${p}ts >= $`, q.since);
  if (q.until !== undefined) add(w, `${p}ts < $`, q.until);
  if (q.runId) add(w, `${p}run_id = $`, q.runId);
  if (q.version !== undefined) add(w, `${p}model_version = $`, q.version);
  if (q.experimentId !== undefined) add(w, `${p}experiment_id = $`, q.experimentId);
  return w;
}

/** `WHERE …` of the conditions, or nothing. */
export function whereSql(w: Where): string {
  return w.parts.length ? `WHERE ${w.parts.join(' AND ')}` : '';
}

/** Row counts, time span and per-run counts of the rows `q` selects. */
export async function summarize(pool: pg.Pool, q: LogQuery): Promise<LogSummary> {
  const w = whereOf(q);
  const where = whereSql(w);
  const total = await pool.query<{ n: number; first: number | null; last: number | null }>(
    `SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM predictions ${where}`,
    w.args,
  );
  const byRun = await pool.query<LogSummary['by_run'][number]>(
    `SELECT run_id, model_name, model_version, stage, arm, count(*) AS rows,
            count(*) FILTER (WHERE status = 'rejected') AS rejected,
            count(warnings) AS warned
       FROM predictions ${where}
      GROUP BY run_id, model_name, model_version, stage, arm
      ORDER BY min(ts), min(id)`,
    w.args,
  );
  const t = total.rows[0];
  const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString());
  return { rows: t.n, first: iso(t.first), last: iso(t.last), by_run: byRun.rows };
}

/** Logged predictions (status ok) joined with their actuals, oldest first, as typed arrays. */
export async function joinFeedback(pool: pg.Pool, q: JoinQuery): Promise<JoinedFeedback> {
  const w = whereOf({ since: q.since, until: q.until, runId: q.runId, experimentId: q.experimentId }, 'p.');
  const where = ["p.status = 'ok'", 'p.prediction IS NOT NULL', ...w.parts];
  const r = await pool.query<JoinedRow>({
    text: `SELECT p.ts, p.request_id, p."row", p.run_id, p.model_version, p.arm,
                  p.prediction, p.lower, p.upper, f.actual
             FROM feedback f JOIN predictions p ON p.request_id = f.request_id AND p."row" = f."row"
            WHERE ${where.join(' AND ')}
            ORDER BY p.ts, p.id`,
    values: w.args,
    rowMode: 'array',
  });
  return joinedArrays(r.rows);
}

/** No joined rows (a log without feedback). */
export function noJoined(): JoinedFeedback {
  return joinedArrays([]);
}

/** Every actual that arrived in the range, oldest first, with the inputs of its first `ok` row. */
export async function labelledRows(
  pool: pg.Pool,
  q: { since?: number; until?: number },
): Promise<LabelledRow[]> {
  const w: Where = { parts: [], args: [] };
  if (q.since !== undefined) add(w, 'f.ts >= $', q.since);
  if (q.until !== undefined) add(w, 'f.ts < $', q.until);
  const r = await pool.query<LabelledRow>(
    `SELECT f.actual,
            (SELECT p.features FROM predictions p
              WHERE p.request_id = f.request_id AND p."row" = f."row" AND p.status = 'ok'
              ORDER BY p.id LIMIT 1) AS features
       FROM feedback f ${whereSql(w)}
      ORDER BY f.id`,
    w.args,
  );
  return r.rows;
}
