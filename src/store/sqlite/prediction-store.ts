/**
 * The embedded prediction store: the log's SQLite file (better-sqlite3, WAL), with raw prepared
 * statements rather than kysely. The serving path appends a batch per transaction; measured by
 * bench/log-store.ts, a 128-row batch costs 0.48 ms with one prepared INSERT per row against
 * 1.1 ms through kysely's multi-row insert (4.0 ms with a kysely insert per row), and a one-row
 * `ack` commit 30 µs against 65–79 µs: the log's hot path keeps the statements (the registry's
 * queries are kysely's, src/store/sql).
 *
 * `append` writes in the call (it returns nothing); the other members resolve as soon as SQLite
 * returns.
 */
import type Database from 'better-sqlite3';
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
import { logFileError, openLogDb, openLogReadOnly } from './log-file.js';
import { migrateLog } from './log-migrate.js';
import { joinFeedback, labelledRows, logColumns, summarize, whereClause } from './log-reads.js';
import { FEEDBACK_DDL, LOG_COLUMNS, LOG_DDL, LOG_SCHEMA_VERSION } from './log-schema.js';

/** How to open a log file. */
export interface SqlitePredictionOptions {
  /** What the caller will do (default `append`): decides what the open creates or changes. */
  access?: PredictionAccess;
  /** How long a write waits for another connection's lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

/** The prediction log of one SQLite file. */
export class SqlitePredictionStore implements PredictionStore {
  readonly location: string;
  /** What it was opened for: `append` checkpoints the WAL on close, `read` never writes. */
  readonly access: PredictionAccess;
  private readonly db: Database.Database;
  private insertMany: ((rows: readonly NewPrediction[]) => void) | null = null;

  constructor(file: string, opts: SqlitePredictionOptions = {}) {
    this.location = file;
    this.access = opts.access ?? 'append';
    this.db = this.access === 'read' ? openLogReadOnly(file) : openLogDb(file, opts.busyTimeoutMs);
    try {
      if (this.access === 'append') {
        this.db.exec(LOG_DDL);
        migrateLog(this.db, LOG_SCHEMA_VERSION);
      } else if (this.access === 'feedback') {
        this.db.exec(LOG_DDL);
        // The lookup index only once feedback is used: each index costs every insert.
        this.db.exec(FEEDBACK_DDL);
      }
    } catch (e) {
      this.db.close();
      throw this.access === 'feedback' ? logFileError(file, e, 'open') : e;
    }
  }

  /** Written in the call, in one transaction; throws when it fails. */
  append(rows: readonly NewPrediction[]): void {
    if (!this.db.open) throw new Error('the database is closed');
    this.insertMany ??= this.prepareInsert();
    this.insertMany(rows);
  }

  private prepareInsert(): (rows: readonly NewPrediction[]) => void {
    const insert = this.db.prepare(
      `INSERT INTO predictions (${LOG_COLUMNS.join(', ')}) VALUES (${LOG_COLUMNS.map(() => '?').join(', ')})`,
    );
    // Positional, in LOG_COLUMNS order: binding by name costs more per row.
    return this.db.transaction((rows: readonly NewPrediction[]) => {
      for (const r of rows) {
        insert.run(
          r.ts,
          r.request_id,
          r.row,
          r.route,
          r.model_name,
          r.run_id,
          r.status,
          r.prediction,
          r.lower,
          r.upper,
          r.coverage,
          r.latency_ms,
          r.features,
          r.warnings,
          r.errors,
          r.model_version,
          r.stage,
          r.arm,
          r.experiment_id,
        );
      }
    });
  }

  async *predictions(q: LogQuery = {}): AsyncGenerator<LoggedPrediction> {
    const rows = this.named(() => {
      const w = whereClause(q, logColumns(this.db));
      const order = q.newestFirst ? 'DESC' : 'ASC';
      const limit = q.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(q.limit))}` : '';
      const stmt = this.db.prepare(`SELECT * FROM predictions ${w.sql} ORDER BY id ${order}${limit}`);
      return stmt.iterate(...w.args) as IterableIterator<LoggedPrediction>;
    });
    try {
      for (;;) {
        const next = this.named(() => rows.next());
        if (next.done) return;
        const r = next.value;
        // Columns an older log lacks read as null.
        r.model_version ??= null;
        r.stage ??= null;
        r.arm ??= null;
        r.experiment_id ??= null;
        yield r;
      }
    } finally {
      // A reader that stops early (a window filled) frees the statement.
      rows.return?.();
    }
  }

  async summary(q: LogQuery = {}): Promise<LogSummary> {
    return this.named(() => summarize(this.db, q));
  }

  async armCounts(experimentId: string): Promise<Record<string, number>> {
    return this.named(() => {
      if (!logColumns(this.db).has('experiment_id')) return {};
      const rows = this.db
        .prepare('SELECT arm, COUNT(*) AS n FROM predictions WHERE experiment_id = ? GROUP BY arm')
        .all(experimentId) as { arm: string | null; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.arm ?? 'none', r.n]));
    });
  }

  async requestRows(requestIds: readonly string[]): Promise<Map<string, number[]>> {
    return this.named(() => {
      const rowsOf = this.db.prepare('SELECT DISTINCT row FROM predictions WHERE request_id = ?').pluck();
      const out = new Map<string, number[]>();
      for (const id of new Set(requestIds)) {
        const rows = rowsOf.all(id) as number[];
        if (rows.length) out.set(id, rows);
      }
      return out;
    });
  }

  async addFeedback(rows: readonly NewFeedback[]): Promise<boolean[]> {
    return this.named(() => {
      const insert = this.db.prepare(
        'INSERT OR IGNORE INTO feedback (ts, request_id, row, actual, source) VALUES (?, ?, ?, ?, ?)',
      );
      const run = this.db.transaction(() =>
        rows.map((r) => insert.run(r.ts, r.request_id, r.row, r.actual, r.source).changes > 0),
      );
      return run.immediate();
    });
  }

  async feedbackCount(): Promise<number> {
    return this.named(() => this.db.prepare('SELECT count(*) FROM feedback').pluck().get() as number);
  }

  async *feedbackRows(): AsyncGenerator<LoggedFeedback> {
    const rows = this.named(() => {
      const has = this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feedback'")
        .get();
      if (!has) return null;
      const stmt = this.db.prepare(
        'SELECT id, ts, request_id, row, actual, source FROM feedback ORDER BY id',
      );
      return stmt.iterate() as IterableIterator<LoggedFeedback>;
    });
    if (!rows) return;
    try {
      for (;;) {
        const next = this.named(() => rows.next());
        if (next.done) return;
        yield next.value;
      }
    } finally {
      rows.return?.();
    }
  }

  async joined(q: JoinQuery = {}): Promise<JoinedFeedback> {
    return this.named(() => joinFeedback(this.db, q));
  }

  async labelled(q: { since?: number; until?: number } = {}): Promise<LabelledRow[]> {
    return this.named(() => labelledRows(this.db, q));
  }

  async ping(): Promise<void> {
    this.named(() => this.db.prepare('SELECT 1').get());
  }

  /** Done in the call: the writer folds the WAL into the main file (a copied log is complete on its own). */
  close(): Promise<void> {
    try {
      if (!this.db.open) return Promise.resolve();
      if (this.access === 'append') this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** `fn` on the log; a damaged page met on the way becomes a DataError naming the file. */
  private named<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw logFileError(this.location, e, 'read');
    }
  }
}
