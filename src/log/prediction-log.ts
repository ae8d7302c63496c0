/**
 * Append-only prediction log on SQLite (better-sqlite3, WAL). Entries are buffered in memory and
 * written in one transaction per batch — when the buffer reaches `batchSize`, every `flushMs`,
 * and on `close()` — so logging costs the request path a JSON.stringify and an array push.
 *
 * Durability `ack` (log-config.ts): the caller awaits `committed()` after its appends; rows of
 * every caller waiting in the same event-loop turn are written in one transaction (group commit),
 * then all of them are released, or all fail together.
 */
import type Database from 'better-sqlite3';
import { DataError, TabflowError } from '../core/errors.js';
import type { LogDurability } from './log-config.js';
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
  /**
   * `buffered` (default): `committed()` resolves at once; a crash loses the rows not yet written
   * (fewer than `batchSize`, none older than `flushMs`). `ack`: `committed()` resolves once every
   * row appended before it is committed; a failed write discards those rows and rejects.
   */
  durability?: LogDurability;
}

/** An `ack` write failed: the request must not be answered as if its prediction were logged. */
export class LogWriteError extends TabflowError {
  override readonly httpStatus = 503;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
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
  readonly durability: LogDurability;
  /** ack: callers waiting for the rows they appended; released by the next write. */
  private waiters: Waiter[] = [];
  private commitScheduled = false;

  constructor(file: string, opts: PredictionLogOptions = {}) {
    this.file = file;
    this.batchSize = opts.batchSize ?? 128;
    this.maxBuffered = Math.max(this.batchSize, opts.maxBuffered ?? 200_000);
    this.flushAt = this.batchSize;
    this.onError = opts.onError ?? (() => {});
    this.durability = opts.durability ?? 'buffered';
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

  /** Rows given up: writes kept failing past `maxBuffered` (buffered), or a write failed (ack). */
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
    // ack: the write happens in committed()'s group commit, so a request's rows commit together.
    if (this.durability === 'buffered' && this.buffer.length >= this.flushAt) this.tryFlush();
  }

  /**
   * Resolves once every row appended so far is committed (`ack`), at once (`buffered`). Callers
   * in the same event-loop turn share one transaction. Rejects with a LogWriteError (503) when
   * the write fails; the rows are then discarded, not retried: their requests were not answered.
   */
  committed(): Promise<void> {
    if (this.durability === 'buffered' || !this.buffer.length) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (this.commitScheduled) return;
      this.commitScheduled = true;
      setImmediate(() => {
        this.commitScheduled = false;
        this.tryFlush();
      });
    });
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
    if (this.durability === 'ack') return this.groupCommit();
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

  /** ack: write the buffer, then release its waiters; on failure drop the rows and reject them. */
  private groupCommit(): number {
    const rows = this.buffer;
    const waiters = this.waiters;
    this.buffer = [];
    this.waiters = [];
    if (!rows.length) {
      for (const w of waiters) w.resolve();
      return 0;
    }
    try {
      if (!this.db.open) throw new Error('the database is closed');
      this.insertMany(rows);
    } catch (e) {
      this.dropped += rows.length;
      const err = new LogWriteError(
        'log_write_failed',
        `The prediction could not be logged to ${this.file} (log.durability: ack), so it is not ` +
          `answered; retry the request. SQLite: ${(e as Error).message}`,
      );
      for (const w of waiters) w.reject(err);
      throw err;
    }
    this.written += rows.length;
    for (const w of waiters) w.resolve();
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
