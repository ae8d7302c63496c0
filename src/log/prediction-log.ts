/**
 * Append-only prediction log on SQLite (better-sqlite3, WAL). Entries are buffered in memory and
 * written in one transaction per batch — when the buffer reaches `batchSize`, every `flushMs`,
 * and on `close()` — so logging costs the request path a JSON.stringify and an array push.
 */
import type Database from 'better-sqlite3';
import { DataError } from '../core/errors.js';
import { capUnknownFields, LOG_COLUMNS, LOG_DDL, LOG_SCHEMA_VERSION } from './log-schema.js';
import { migrateLog } from './migrate-log.js';
import { openLogDb } from './open-log-db.js';

export interface LogIssue {
  code: string;
  field?: string;
  message?: string;
}

export interface PredictionLogEntry {
  requestId: string;
  row: number;
  /** ms since the epoch; defaults to the time of `append`. */
  ts?: number;
  route?: string;
  modelName: string;
  runId: string;
  /** Registered version that produced the row (null/absent: unknown, e.g. a plain run folder). */
  modelVersion?: number | null;
  /** Stage the model was served as. */
  stage?: string | null;
  /** A/B arm (champion, challenger, shadow); absent outside an experiment. */
  arm?: string | null;
  experimentId?: string | null;
  status: string;
  prediction: number | null;
  interval?: { lower: number; upper: number; coverage: number };
  latencyMs?: number;
  features: unknown;
  warnings?: readonly LogIssue[];
  errors?: readonly LogIssue[];
}

export interface PredictionLogOptions {
  /**
   * Rows buffered before a write (default 128). A write blocks the event loop for its whole
   * transaction, so small batches keep that pause well under a millisecond.
   */
  batchSize?: number;
  /** Longest time a row waits in the buffer, ms (default 200). */
  flushMs?: number;
  /**
   * Most rows held while writes keep failing (default 200,000); beyond it the oldest are dropped
   * and counted, so a full disk cannot exhaust memory.
   */
  maxBuffered?: number;
  /** How long a write waits for another connection's lock before failing, ms (default 5000). */
  busyTimeoutMs?: number;
  /** Called when a write from `append` or the timer fails (the rows stay buffered for the next try). */
  onError?: (e: Error) => void;
}

type Row = (string | number | null)[];

export class PredictionLog {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly insertMany: (rows: Row[]) => void;
  private buffer: Row[] = [];
  private readonly batchSize: number;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBuffered: number;
  private readonly onError: (e: Error) => void;
  /** Buffer size that triggers the next write; pushed back by a batch after a failed write. */
  private flushAt: number;
  private written = 0;
  private dropped = 0;
  private closed = false;

  constructor(file: string, opts: PredictionLogOptions = {}) {
    this.file = file;
    this.batchSize = opts.batchSize ?? 128;
    this.maxBuffered = Math.max(this.batchSize, opts.maxBuffered ?? 200_000);
    this.flushAt = this.batchSize;
    this.onError = opts.onError ?? (() => {});
    this.db = openLogDb(file, opts.busyTimeoutMs);
    this.db.exec(LOG_DDL);
    migrateLog(this.db, LOG_SCHEMA_VERSION);
    const insert = this.db.prepare(
      `INSERT INTO predictions (${LOG_COLUMNS.join(', ')}) VALUES (${LOG_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.insertMany = this.db.transaction((rows: Row[]) => {
      for (const r of rows) insert.run(r);
    });
    this.timer = setInterval(() => this.tryFlush(), opts.flushMs ?? 200);
    this.timer.unref();
  }

  /** Rows waiting in memory. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Rows written to the database by this instance. */
  get writtenCount(): number {
    return this.written;
  }

  /** Rows given up because writes kept failing (see `maxBuffered`). */
  get droppedCount(): number {
    return this.dropped;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  append(e: PredictionLogEntry): void {
    if (this.closed) throw new DataError('log_closed', `The prediction log ${this.file} is closed`);
    // At most MAX_UNKNOWN_FIELDS fields that are not model features are stored per row.
    const { features, warnings, errors } = capUnknownFields(e.features ?? {}, e.warnings, e.errors);
    this.buffer.push([
      e.ts ?? Date.now(),
      e.requestId,
      e.row,
      e.route ?? null,
      e.modelName,
      e.runId,
      e.status,
      finiteOrNull(e.prediction),
      finiteOrNull(e.interval?.lower),
      finiteOrNull(e.interval?.upper),
      finiteOrNull(e.interval?.coverage),
      finiteOrNull(e.latencyMs),
      JSON.stringify(features),
      warnings?.length ? JSON.stringify(warnings) : null,
      errors?.length ? JSON.stringify(errors) : null,
      e.modelVersion ?? null,
      e.stage ?? null,
      e.arm ?? null,
      e.experimentId ?? null,
    ]);
    if (this.buffer.length >= this.flushAt) this.tryFlush();
  }

  /** A write from `append` or the timer: a failure goes to `onError`, never to the caller. */
  private tryFlush(): void {
    try {
      this.flush();
    } catch (e) {
      this.onError(e as Error);
    }
  }

  /**
   * Write everything buffered in one transaction; returns the number of rows written. On failure
   * the rows stay buffered and the error is thrown.
   */
  flush(): number {
    if (!this.buffer.length || !this.db.open) return 0;
    const rows = this.buffer;
    this.buffer = [];
    try {
      this.insertMany(rows);
      this.flushAt = this.batchSize;
    } catch (e) {
      // Keep the rows for the next attempt (e.g. SQLITE_BUSY from a concurrent reader).
      this.buffer = rows.concat(this.buffer);
      const excess = this.buffer.length - this.maxBuffered;
      if (excess > 0) {
        this.buffer.splice(0, excess);
        this.dropped += excess;
      }
      this.flushAt = Math.min(this.buffer.length + this.batchSize, this.maxBuffered);
      throw e;
    }
    this.written += rows.length;
    return rows.length;
  }

  /** Flush, checkpoint the WAL into the main file, close. Idempotent. */
  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.flush();
    this.closed = true;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
