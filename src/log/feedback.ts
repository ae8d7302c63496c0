/**
 * Ground truth for logged predictions: `{request_id, row?, actual}` items are checked against the
 * prediction log (the request must exist, the row must be one of its rows, the actual a finite
 * number, and a row gets one actual only) and stored in a `feedback` table of the same SQLite file,
 * so live accuracy is one join away. Every item gets its own verdict; one bad item never makes
 * the others fail.
 */
import type Database from 'better-sqlite3';
import { LOG_DDL } from './log-schema.js';
import { logFileError, openLogDb } from './open-log-db.js';

export const FEEDBACK_DDL = `
CREATE TABLE IF NOT EXISTS feedback (
  id          INTEGER PRIMARY KEY,
  ts          INTEGER NOT NULL,   -- when the actual arrived, ms since the epoch
  request_id  TEXT    NOT NULL,
  row         INTEGER NOT NULL,
  actual      REAL    NOT NULL,
  source      TEXT,               -- api | file:<name>
  UNIQUE (request_id, row)
);
-- Feedback looks predictions up by request; without this index each lookup scans the log.
CREATE INDEX IF NOT EXISTS predictions_request ON predictions (request_id, row);
`;

export interface FeedbackItem {
  request_id: unknown;
  row?: unknown;
  actual: unknown;
}

export type FeedbackVerdict =
  | { index: number; status: 'accepted'; request_id: string; row: number; actual: number }
  | { index: number; status: 'rejected'; code: FeedbackErrorCode; message: string };

export type FeedbackErrorCode =
  | 'bad_request_id'
  | 'bad_row'
  | 'row_required'
  | 'not_numeric'
  | 'unknown_request'
  | 'unknown_row'
  | 'duplicate';

export interface FeedbackReport {
  accepted: number;
  rejected: number;
  verdicts: FeedbackVerdict[];
}

/** Predictions that have an actual, as typed arrays (one entry per logged prediction row). */
export interface JoinedFeedback {
  n: number;
  ts: Float64Array;
  prediction: Float64Array;
  actual: Float64Array;
  /** NaN when the prediction had no interval. */
  lower: Float64Array;
  upper: Float64Array;
  runId: string[];
  /** null for logs written before versions were recorded. */
  version: (number | null)[];
  /** null when the prediction was not part of an experiment. */
  arm: (string | null)[];
  requestId: string[];
  row: Int32Array;
}

export interface LabelledRows {
  n: number;
  /** The inputs as the client sent them. */
  records: Record<string, unknown>[];
  actual: Float64Array;
}

export interface JoinQuery {
  since?: number;
  until?: number;
  runId?: string;
  /** Only rows logged as part of this experiment (the `experiment_id` column). */
  experimentId?: string;
}

export class FeedbackStore {
  readonly file: string;
  private readonly db: Database.Database;

  constructor(file: string, opts: { busyTimeoutMs?: number } = {}) {
    this.file = file;
    this.db = openLogDb(file, opts.busyTimeoutMs);
    try {
      this.db.exec(LOG_DDL);
      this.db.exec(FEEDBACK_DDL);
    } catch (e) {
      this.db.close();
      throw logFileError(file, e, 'open');
    }
  }

  /** `fn` on the log; a damaged page met on the way becomes a DataError naming the file. */
  private named<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw logFileError(this.file, e, 'read');
    }
  }

  /** Check and store items; each gets a verdict (accepted, or rejected with a reason). */
  record(items: readonly FeedbackItem[], opts: { source?: string; now?: number } = {}): FeedbackReport {
    return this.named(() => this.recordItems(items, opts));
  }

  private recordItems(
    items: readonly FeedbackItem[],
    opts: { source?: string; now?: number },
  ): FeedbackReport {
    const rowsOf = this.db.prepare('SELECT DISTINCT row FROM predictions WHERE request_id = ?').pluck();
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO feedback (ts, request_id, row, actual, source) VALUES (?, ?, ?, ?, ?)',
    );
    const ts = opts.now ?? Date.now();
    const verdicts: FeedbackVerdict[] = [];
    const run = this.db.transaction(() => {
      items.forEach((item, index) => {
        const v = this.check(item, index, rowsOf);
        if (
          v.status === 'accepted' &&
          !insert.run(ts, v.request_id, v.row, v.actual, opts.source ?? 'api').changes
        ) {
          const message = `request ${v.request_id} row ${v.row} already has an actual; the first one is kept`;
          verdicts.push({ index, status: 'rejected', code: 'duplicate', message });
        } else verdicts.push(v);
      });
    });
    run.immediate();
    const accepted = verdicts.filter((v) => v.status === 'accepted').length;
    return { accepted, rejected: verdicts.length - accepted, verdicts };
  }

  private check(item: FeedbackItem, index: number, rowsOf: Database.Statement): FeedbackVerdict {
    const reject = (code: FeedbackErrorCode, message: string): FeedbackVerdict => ({
      index,
      status: 'rejected',
      code,
      message,
    });
    const id = item?.request_id;
    if (typeof id !== 'string' || id === '' || id.length > 128) {
      return reject(
        'bad_request_id',
        `request_id ${describe(id)} is not allowed: expected the request id a prediction returned`,
      );
    }
    const actual = toNumber(item.actual);
    if (actual === null) {
      return reject(
        'not_numeric',
        `actual ${describe(item.actual)} for request ${id} is not a finite number`,
      );
    }
    const rows = rowsOf.all(id) as number[];
    if (!rows.length) {
      // Also what a prediction lost by a crash before its row was written looks like (log.durability).
      return reject(
        'unknown_request',
        `No logged prediction has request_id ${JSON.stringify(id)}: the id is unknown, or its ` +
          'prediction was answered but never logged (a server killed under log.durability: ' +
          'buffered loses the rows it had not written yet); the actual is not stored',
      );
    }
    let row: number;
    if (item.row === undefined || item.row === null) {
      if (rows.length > 1) {
        return reject(
          'row_required',
          `request ${id} scored ${rows.length} rows: say which one with "row" (0 to ${rows.length - 1})`,
        );
      }
      row = rows[0];
    } else if (typeof item.row !== 'number' || !Number.isInteger(item.row) || item.row < 0) {
      return reject('bad_row', `row ${describe(item.row)} is not allowed: expected an integer ≥ 0`);
    } else {
      row = item.row;
      if (!rows.includes(row)) {
        return reject('unknown_row', `request ${id} has no row ${row} (it scored ${rows.length} rows)`);
      }
    }
    return { index, status: 'accepted', request_id: id, row, actual };
  }

  /** Logged predictions (status ok) joined with their actuals, oldest first. */
  joined(q: JoinQuery = {}): JoinedFeedback {
    return this.named(() => this.join(q));
  }

  private join(q: JoinQuery): JoinedFeedback {
    const cols = new Set(
      (this.db.prepare('PRAGMA table_info(predictions)').all() as { name: string }[]).map((c) => c.name),
    );
    const version = cols.has('model_version') ? 'p.model_version' : 'NULL';
    const arm = cols.has('arm') ? 'p.arm' : 'NULL';
    const where = ["p.status = 'ok'", 'p.prediction IS NOT NULL'];
    const args: (string | number)[] = [];
    if (q.since !== undefined) {
      where.push('p.ts >= ?');
      args.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('p.ts < ?');
      args.push(q.until);
    }
    if (q.runId !== undefined) {
      where.push('p.run_id = ?');
      args.push(q.runId);
    }
    if (q.experimentId !== undefined) {
      // A log without the column has no experiment rows.
      where.push(cols.has('experiment_id') ? 'p.experiment_id = ?' : '(0 AND ? IS NULL)');
      args.push(q.experimentId);
    }
    const rows = this.db
      .prepare(
        `SELECT p.ts, p.request_id, p.row, p.run_id, ${version} AS version, ${arm} AS arm,
                p.prediction, p.lower, p.upper, f.actual
           FROM feedback f JOIN predictions p ON p.request_id = f.request_id AND p.row = f.row
          WHERE ${where.join(' AND ')}
          ORDER BY p.ts, p.id`,
      )
      .raw()
      .all(...args) as [
      number,
      string,
      number,
      string,
      number | null,
      string | null,
      number,
      number | null,
      number | null,
      number,
    ][];
    const n = rows.length;
    const out: JoinedFeedback = {
      n,
      ts: new Float64Array(n),
      prediction: new Float64Array(n),
      actual: new Float64Array(n),
      lower: new Float64Array(n),
      upper: new Float64Array(n),
      runId: new Array(n),
      version: new Array(n),
      arm: new Array(n),
      requestId: new Array(n),
      row: new Int32Array(n),
    };
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      out.ts[i] = r[0];
      out.requestId[i] = r[1];
      out.row[i] = r[2];
      out.runId[i] = r[3];
      out.version[i] = r[4];
      out.arm[i] = r[5];
      out.prediction[i] = r[6];
      out.lower[i] = r[7] ?? Number.NaN;
      out.upper[i] = r[8] ?? Number.NaN;
      out.actual[i] = r[9];
    }
    return out;
  }

  /**
   * The inputs of every request row that has an actual, once per row (a row scored by two arms
   * is one training example), oldest first: new labelled data for retraining. Rows the data
   * contract rejected are left out: their inputs are what made them unreadable.
   */
  labelledRows(q: { since?: number; until?: number } = {}): LabelledRows {
    return this.named(() => this.labelled(q));
  }

  private labelled(q: { since?: number; until?: number }): LabelledRows {
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
    const rows = this.db
      .prepare(
        `SELECT f.request_id, f.row, f.actual,
                (SELECT p.features FROM predictions p
                  WHERE p.request_id = f.request_id AND p.row = f.row AND p.status = 'ok'
                  ORDER BY p.id LIMIT 1) AS features
           FROM feedback f ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY f.id`,
      )
      .raw()
      .all(...args) as [string, number, number, string | null][];
    const out: LabelledRows = { n: 0, records: [], actual: new Float64Array(rows.length) };
    for (const [, , actual, features] of rows) {
      if (features === null) continue;
      let rec: unknown;
      try {
        rec = JSON.parse(features);
      } catch {
        continue; // unreadable logged input: not a training example
      }
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) continue;
      out.records.push(rec as Record<string, unknown>);
      out.actual[out.n++] = actual;
    }
    out.actual = out.actual.slice(0, out.n);
    return out;
  }

  /** Number of actuals stored. */
  get count(): number {
    return this.named(() => this.db.prepare('SELECT count(*) FROM feedback').pluck().get() as number);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function describe(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
