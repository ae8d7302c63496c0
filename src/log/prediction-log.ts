/**
 * Append-only prediction log over a PredictionStore (SQLite by default). Entries are buffered in
 * memory and written in one transaction per batch — when the buffer reaches `batchSize`, every
 * `flushMs`, and on `close()` — so logging costs the request path a JSON.stringify and an array
 * push. One write is in flight at a time, in order; over SQLite it completes within the call.
 *
 * Durability `ack` (log-config.ts): the caller awaits `committed()` after its appends; rows of
 * every caller waiting in the same event-loop turn are written in one transaction (group commit),
 * then all of them are released, or all fail together.
 */
import { DataError, TabflowError } from '../core/errors.js';
import { openStores } from '../store/open-stores.js';
import type { NewPrediction, PredictionStore } from '../store/prediction-store.js';
import { storeUriOf } from '../store/store-uri.js';
import type { LogDurability } from './log-config.js';
import { capUnknownFields } from './log-schema.js';

export interface LogIssue {
  code: string;
  field?: string;
  message?: string;
}

/** One scored row as the server hands it to the log. */
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

/** Batching, durability and error handling of a `PredictionLog`. */
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

/** The served predictions, buffered and written in batches to a PredictionStore. */
export class PredictionLog {
  /** Where the rows go: the store's location (a file path for SQLite, a URI without password for a server). */
  readonly file: string;
  /** What the log was opened from (a path or a full URI): other readers of the same log open this. */
  readonly uri: string;
  private readonly store: PredictionStore;
  private buffer: NewPrediction[] = [];
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
  /** Settles when the async write in flight does: writes are one at a time, in order. */
  private writing: Promise<void> | null = null;

  /**
   * Open the log at `fileOrUri` (a file path, or a store URI such as `sqlite:models/predictions.sqlite`),
   * creating it when missing and bringing an older one up to this version's columns.
   */
  static async open(fileOrUri: string, opts: PredictionLogOptions = {}): Promise<PredictionLog> {
    const { log } = await openStores(
      { log: storeUriOf(fileOrUri) },
      { logAccess: 'append', busyTimeoutMs: opts.busyTimeoutMs },
    );
    return new PredictionLog(log, opts, fileOrUri);
  }

  /** A log over an opened store (`PredictionLog.open` opens one from a path or URI). */
  constructor(store: PredictionStore, opts: PredictionLogOptions = {}, uri = store.location) {
    this.store = store;
    this.file = store.location;
    this.uri = uri;
    this.batchSize = opts.batchSize ?? 128;
    this.maxBuffered = Math.max(this.batchSize, opts.maxBuffered ?? 200_000);
    this.flushAt = this.batchSize;
    this.onError = opts.onError ?? (() => {});
    this.durability = opts.durability ?? 'buffered';
    this.timer = setInterval(() => this.tryFlush(), opts.flushMs ?? 200);
    this.timer.unref();
  }

  /** A round trip to the log's store (the server's `/ready`): rejects when it cannot be reached. */
  ping(): Promise<void> {
    return this.store.ping();
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

  /** Buffer one row; it is written with the next batch (`buffered`) or `committed()` (`ack`). */
  append(e: PredictionLogEntry): void {
    if (this.closed) throw new DataError('log_closed', `The prediction log ${this.file} is closed`);
    // At most MAX_UNKNOWN_FIELDS fields that are not model features are stored per row.
    const { features, warnings, errors } = capUnknownFields(e.features ?? {}, e.warnings, e.errors);
    this.buffer.push({
      ts: e.ts ?? Date.now(),
      request_id: e.requestId,
      row: e.row,
      route: e.route ?? null,
      model_name: e.modelName,
      run_id: e.runId,
      status: e.status,
      prediction: finiteOrNull(e.prediction),
      lower: finiteOrNull(e.interval?.lower),
      upper: finiteOrNull(e.interval?.upper),
      coverage: finiteOrNull(e.interval?.coverage),
      latency_ms: finiteOrNull(e.latencyMs),
      features: JSON.stringify(features),
      warnings: warnings?.length ? JSON.stringify(warnings) : null,
      errors: errors?.length ? JSON.stringify(errors) : null,
      model_version: e.modelVersion ?? null,
      stage: e.stage ?? null,
      arm: e.arm ?? null,
      experiment_id: e.experimentId ?? null,
    });
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
      const r = this.write();
      if (typeof r !== 'number') r.catch((e: Error) => this.onError(e));
    } catch (e) {
      this.onError(e as Error);
    }
  }

  /**
   * Write everything buffered in one transaction; resolves with the number of rows written. On
   * failure the rows stay buffered (`buffered`; `ack` drops them and rejects their waiters) and
   * it rejects. A flush while a write is in flight writes after it.
   */
  async flush(): Promise<number> {
    return this.write();
  }

  /**
   * One write. Over a store that completes in the call (SQLite) it is done, or has thrown, when
   * this returns: an append that fills a batch writes it at once, as the buffer's bounds assume.
   * Over an async store one write is in flight at a time, in order.
   */
  private write(): number | Promise<number> {
    if (this.writing) return this.writing.then(() => this.write());
    const r = this.durability === 'ack' ? this.groupCommit() : this.writeBuffer();
    if (typeof r === 'number') return r;
    const settled: Promise<void> = r.then(
      () => {},
      () => {},
    );
    this.writing = settled;
    void settled.then(() => {
      if (this.writing === settled) this.writing = null;
    });
    return r;
  }

  /** buffered: write the buffer; on failure put the rows back in front of what came meanwhile. */
  private writeBuffer(): number | Promise<number> {
    if (!this.buffer.length || this.closed) return 0;
    const rows = this.buffer;
    this.buffer = [];
    const done = () => {
      this.flushAt = this.batchSize;
      this.written += rows.length;
      return rows.length;
    };
    const failed = (e: unknown): never => {
      // Keep the rows for the next attempt (e.g. SQLITE_BUSY from a concurrent reader).
      this.buffer = rows.concat(this.buffer);
      const excess = this.buffer.length - this.maxBuffered;
      if (excess > 0) {
        this.buffer.splice(0, excess);
        this.dropped += excess;
      }
      this.flushAt = Math.min(this.buffer.length + this.batchSize, this.maxBuffered);
      throw e;
    };
    let pending: void | Promise<void>;
    try {
      pending = this.store.append(rows);
    } catch (e) {
      return failed(e);
    }
    return pending ? pending.then(done, failed) : done();
  }

  /** ack: write the buffer, then release its waiters; on failure drop the rows and reject them. */
  private groupCommit(): number | Promise<number> {
    const rows = this.buffer;
    const waiters = this.waiters;
    this.buffer = [];
    this.waiters = [];
    if (!rows.length) {
      for (const w of waiters) w.resolve();
      return 0;
    }
    const done = () => {
      this.written += rows.length;
      for (const w of waiters) w.resolve();
      return rows.length;
    };
    const failed = (e: unknown): never => {
      this.dropped += rows.length;
      const err = new LogWriteError(
        'log_write_failed',
        `The prediction could not be logged to ${this.file} (log.durability: ack), so it is not ` +
          `answered; retry the request. SQLite: ${(e as Error).message}`,
      );
      for (const w of waiters) w.reject(err);
      throw err;
    };
    let pending: void | Promise<void>;
    try {
      if (this.closed) throw new Error('the database is closed');
      pending = this.store.append(rows);
    } catch (e) {
      return failed(e);
    }
    return pending ? pending.then(done, failed) : done();
  }

  /**
   * Flush, make the store durable (SQLite: checkpoint the WAL into the main file), close.
   * Idempotent. Over a store that completes in the call (SQLite) all of it is done when `close`
   * returns, as a process exiting right after it needs. When the last write fails it rejects and
   * the log stays open, its rows kept.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    clearInterval(this.timer);
    try {
      const r = this.write();
      // An async write: close once it (and anything appended meanwhile) is written.
      if (typeof r !== 'number') return r.then(() => this.close());
    } catch (e) {
      return Promise.reject(e);
    }
    this.closed = true;
    return this.store.close();
  }
}

function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
