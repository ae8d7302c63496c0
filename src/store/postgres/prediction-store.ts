/**
 * The prediction log on PostgreSQL. A batch is one INSERT … SELECT FROM unnest(…) with one array
 * per column: 19 parameters whatever the batch size (a multi-row VALUES list binds 19 per row and
 * meets the 65,535-parameter cap at 3,449 rows), one statement, so all rows are stored or none.
 * Reads are streamed by keyset pages on the id (no cursor holds a connection between pages).
 * Every call goes through the pool, so several server workers on several hosts share one log.
 */
import type pg from 'pg';
import { DataError } from '../../core/errors.js';
import type {
  JoinedFeedback,
  JoinQuery,
  LabelledRow,
  LoggedFeedback,
  LoggedPrediction,
  LogQuery,
  LogSummary,
  NewFeedback,
  NewPrediction,
  PredictionAccess,
  PredictionStore,
} from '../prediction-store.js';
import { inTransaction, openPool, type PgTarget, parsePgTarget, unavailable } from './connection.js';
import { joinFeedback, labelledRows, noJoined, summarize, whereOf, whereSql } from './log-reads.js';
import { FEEDBACK_MIGRATIONS, LOG_COLUMN_TYPES, LOG_MIGRATIONS } from './log-schema.js';
import { migrate, versionOf } from './migrate.js';

/** How to open a PostgreSQL log. */
export interface PostgresPredictionOptions {
  /** What the caller will do (default `append`): decides what the open creates. */
  access?: PredictionAccess;
  /** How long connecting may take, ms (default 5000). */
  connectTimeoutMs?: number;
}

/** Rows a streamed read fetches per round trip. */
const PAGE = 2000;

const INSERT = `INSERT INTO predictions (${LOG_COLUMN_TYPES.map(([c]) => `"${c}"`).join(', ')})
  SELECT * FROM unnest(${LOG_COLUMN_TYPES.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')})`;

const SELECT = `SELECT id, ${LOG_COLUMN_TYPES.map(([c]) => `"${c}"`).join(', ')} FROM predictions`;

// PostgreSQL's undefined_table: the feedback table of a log never opened for feedback.
const NO_TABLE = '42P01';

/** The prediction log in one PostgreSQL schema. */
export class PostgresPredictionStore implements PredictionStore {
  private closed = false;

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
  ) {}

  /**
   * Open the log a `postgres://…?schema=` URI names: `append` creates and migrates it, `feedback`
   * also its feedback table, `read` only checks it exists (no_log otherwise).
   */
  static async open(uri: string, o: PostgresPredictionOptions = {}): Promise<PostgresPredictionStore> {
    const t = parsePgTarget(uri);
    const pool = openPool(t, { connectTimeoutMs: o.connectTimeoutMs });
    try {
      await prepare(pool, t, o.access ?? 'append');
    } catch (e) {
      await pool.end().catch(() => {});
      throw openError(t, e);
    }
    return new PostgresPredictionStore(t.location, pool);
  }

  /** One statement: every row stored, or none and it rejects. */
  async append(rows: readonly NewPrediction[]): Promise<void> {
    if (this.closed) throw new Error('the database is closed');
    if (rows.length === 0) return;
    const columns = LOG_COLUMN_TYPES.map(([c]) => rows.map((r) => r[c]));
    await this.run(() => this.pool.query(INSERT, columns));
  }

  async *predictions(q: LogQuery = {}): AsyncGenerator<LoggedPrediction> {
    const desc = q.newestFirst === true;
    let left = q.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(q.limit));
    let after: number | null = null;
    while (left > 0) {
      const w = whereOf(q);
      if (after !== null) {
        w.args.push(after);
        w.parts.push(`id ${desc ? '<' : '>'} $${w.args.length}`);
      }
      const n = Math.min(PAGE, left);
      const sqlText = `${SELECT} ${whereSql(w)} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ${n}`;
      const page = await this.run(() => this.pool.query<LoggedPrediction>(sqlText, w.args));
      for (const r of page.rows) yield r;
      if (page.rows.length < n) return;
      left -= n;
      after = page.rows[page.rows.length - 1].id;
    }
  }

  summary(q: LogQuery = {}): Promise<LogSummary> {
    return this.run(() => summarize(this.pool, q));
  }

  async armCounts(experimentId: string): Promise<Record<string, number>> {
    const r = await this.run(() =>
      this.pool.query<{ arm: string | null; n: number }>(
        'SELECT arm, count(*) AS n FROM predictions WHERE experiment_id = $1 GROUP BY arm',
        [experimentId],
      ),
    );
    return Object.fromEntries(r.rows.map((x) => [x.arm ?? 'none', x.n]));
  }

  async requestRows(requestIds: readonly string[]): Promise<Map<string, number[]>> {
    const ids = [...new Set(requestIds)];
    if (ids.length === 0) return new Map();
    const r = await this.run(() =>
      this.pool.query<{ request_id: string; rows: number[] }>(
        'SELECT request_id, array_agg(DISTINCT "row") AS rows FROM predictions WHERE request_id = ANY($1::text[]) GROUP BY request_id',
        [ids],
      ),
    );
    return new Map(r.rows.map((x) => [x.request_id, x.rows]));
  }

  /** One transaction; a row that already has an actual keeps it (ON CONFLICT DO NOTHING). */
  addFeedback(rows: readonly NewFeedback[]): Promise<boolean[]> {
    return this.run(() =>
      inTransaction(this.pool, async (c) => {
        const stored: boolean[] = [];
        for (const f of rows) {
          const r = await c.query(
            `INSERT INTO feedback (ts, request_id, "row", actual, source) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (request_id, "row") DO NOTHING`,
            [f.ts, f.request_id, f.row, f.actual, f.source],
          );
          stored.push((r.rowCount ?? 0) > 0);
        }
        return stored;
      }),
    );
  }

  async feedbackCount(): Promise<number> {
    const r = await this.orEmpty(
      () => this.pool.query<{ n: number }>('SELECT count(*) AS n FROM feedback'),
      null,
    );
    return r?.rows[0].n ?? 0;
  }

  /** Keyset pages on the id, as `predictions` reads; nothing when the log has no feedback table. */
  async *feedbackRows(): AsyncGenerator<LoggedFeedback> {
    let after = 0;
    for (;;) {
      const page = await this.orEmpty(
        () =>
          this.pool.query<LoggedFeedback>(
            `SELECT id, ts, request_id, "row", actual, source FROM feedback WHERE id > $1 ORDER BY id LIMIT ${PAGE}`,
            [after],
          ),
        null,
      );
      if (page === null) return;
      for (const r of page.rows) yield r;
      if (page.rows.length < PAGE) return;
      after = page.rows[page.rows.length - 1].id;
    }
  }

  joined(q: JoinQuery = {}): Promise<JoinedFeedback> {
    return this.orEmpty(() => joinFeedback(this.pool, q), noJoined());
  }

  labelled(q: { since?: number; until?: number } = {}): Promise<LabelledRow[]> {
    return this.orEmpty(() => labelledRows(this.pool, q), []);
  }

  /** A round trip to the server: rejects with `store_unavailable` when it cannot be reached. */
  async ping(): Promise<void> {
    await this.run(() => this.pool.query('SELECT 1'));
  }

  /** Every write is committed when its call resolves: ending the pool is all that is left. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** `fn`, with a failure to reach the server named (store_unavailable). */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw unavailable('log', this.location, e);
    }
  }

  /** `fn`, or `empty` when the log has no feedback table (never opened for feedback). */
  private async orEmpty<T>(fn: () => Promise<T>, empty: T): Promise<T> {
    try {
      return await this.run(fn);
    } catch (e) {
      if ((e as { code?: unknown }).code !== NO_TABLE) throw e;
      return empty;
    }
  }
}

async function prepare(pool: pg.Pool, t: PgTarget, access: PredictionAccess): Promise<void> {
  if (access === 'read') {
    if ((await versionOf(pool, 'log')) === 0) {
      throw new DataError(
        'no_log',
        `No prediction log at ${t.location}: start \`tabflow serve\` with this log and send predictions first`,
      );
    }
    return;
  }
  await migrate(pool, t.schema, 'log', LOG_MIGRATIONS);
  if (access === 'feedback') await migrate(pool, t.schema, 'feedback', FEEDBACK_MIGRATIONS);
}

function openError(t: PgTarget, e: unknown): unknown {
  const u = unavailable('log', t.location, e);
  if (u !== e || e instanceof DataError) return u;
  return new DataError('log_open', `Cannot open the prediction log ${t.location}: ${(e as Error).message}`);
}
