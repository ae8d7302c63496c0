/**
 * PredictionStore: where served predictions, their actuals (feedback) and the numbers read from
 * them live, behind an async interface. The embedded SQLite store (src/store/sqlite) is the
 * default; another backend implements the same members and passes
 * test/log/prediction-store-conformance.ts. Batching, durability modes and the checks on
 * feedback items are the prediction log's (src/log); the store only stores and reads.
 */

/** What a caller opens the store for: it decides what an open may create. */
export type PredictionAccess =
  /** the serving path: create the log if needed, bring an older one up to date */
  | 'append'
  /** feedback and live accuracy: as `append`, plus the feedback table and its lookup index */
  | 'feedback'
  /** reading only: the log must exist and is never changed */
  | 'read';

/** One scored row to log; JSON columns are already text (the request path stringifies once). */
export interface NewPrediction {
  /** ms since the Unix epoch (UTC). */
  ts: number;
  request_id: string;
  /** Index of the row within its request. */
  row: number;
  route: string | null;
  model_name: string;
  run_id: string;
  /** ok | rejected */
  status: string;
  prediction: number | null;
  lower: number | null;
  upper: number | null;
  coverage: number | null;
  latency_ms: number | null;
  /** The inputs as received, JSON text. */
  features: string;
  /** JSON array of issues, null when none. */
  warnings: string | null;
  errors: string | null;
  /** Registered version served; null when unknown. */
  model_version: number | null;
  /** Stage it was served as; null when unknown. */
  stage: string | null;
  /** A/B arm (champion, challenger, shadow); null outside an experiment. */
  arm: string | null;
  experiment_id: string | null;
}

/** One logged row as stored. Columns a log written by an older tabflow lacks read as null. */
export interface LoggedPrediction extends NewPrediction {
  id: number;
}

/** Which logged rows to read. */
export interface LogQuery {
  /** ms since the epoch, inclusive. */
  since?: number;
  /** ms since the epoch, exclusive. */
  until?: number;
  runId?: string;
  /** Only rows of this registered version. */
  version?: number;
  limit?: number;
  /** Newest first (default oldest first). */
  newestFirst?: boolean;
}

/** Rows, time span and per-run counts of the rows a query selects. */
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

/** An actual for one logged row. */
export interface NewFeedback {
  /** When the actual arrived, ms since the epoch. */
  ts: number;
  request_id: string;
  row: number;
  actual: number;
  /** api | file:<name> */
  source: string;
}

/** One stored actual, as its row holds it. */
export interface LoggedFeedback extends NewFeedback {
  id: number;
}

/** Which joined rows to read. */
export interface JoinQuery {
  since?: number;
  until?: number;
  runId?: string;
  /** Only rows logged as part of this experiment. */
  experimentId?: string;
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

/** An actual and the inputs of the row it labels (null when no `ok` row has them). */
export interface LabelledRow {
  actual: number;
  features: string | null;
}

/** The prediction log's storage. */
export interface PredictionStore {
  /** Human-readable location (file path, connection string without secrets). */
  readonly location: string;
  /**
   * Append rows in one transaction: all of them are stored, or none and it fails. A backend over
   * a synchronous driver (SQLite) writes in the call and returns nothing, or throws: the serving
   * path then writes a full batch at once without a turn of the event loop (the log's buffer
   * bounds rely on it). Any other returns a promise.
   */
  append(rows: readonly NewPrediction[]): void | Promise<void>;
  /** Rows matching `q`, streamed in id order (the log can be larger than memory). */
  predictions(q?: LogQuery): AsyncIterable<LoggedPrediction>;
  /** Counts of the rows matching `q`. */
  summary(q?: LogQuery): Promise<LogSummary>;
  /** Rows each A/B arm logged in an experiment (`none` for rows without an arm). */
  armCounts(experimentId: string): Promise<Record<string, number>>;
  /** The distinct row indexes logged under each request id (absent: never logged). */
  requestRows(requestIds: readonly string[]): Promise<Map<string, number[]>>;
  /**
   * Store actuals in one transaction; for each, true when stored, false when its row already
   * had one (the first one is kept).
   */
  addFeedback(rows: readonly NewFeedback[]): Promise<boolean[]>;
  /** Number of actuals stored. */
  feedbackCount(): Promise<number>;
  /**
   * Every stored actual as its row holds it, streamed in id order (arrival order); nothing for a
   * log never opened for feedback. What `tabflow storage migrate` copies and compares.
   */
  feedbackRows(): AsyncIterable<LoggedFeedback>;
  /** Logged predictions (status ok, with a prediction) joined with their actuals, oldest first. */
  joined(q?: JoinQuery): Promise<JoinedFeedback>;
  /** Every actual recorded in the time range (by arrival), oldest first, with its row's inputs. */
  labelled(q?: { since?: number; until?: number }): Promise<LabelledRow[]>;
  /**
   * A round trip to the store (what the server's `/ready` asks): resolves when it answers,
   * rejects (store_unavailable for a server that cannot be reached) when not.
   */
  ping(): Promise<void>;
  /**
   * Make everything written durable and release the connection. Idempotent. A backend over a
   * synchronous driver does it all in the call (the promise is settled when it returns).
   */
  close(): Promise<void>;
}
