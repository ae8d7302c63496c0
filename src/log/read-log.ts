/**
 * Reading the prediction log: time filters (`--since 1h` or an ISO date), a summary, and rows as
 * plain objects with their JSON columns parsed.
 */
import { UsageError } from '../core/errors.js';
import { openStores } from '../store/open-stores.js';
import type { LoggedPrediction, LogQuery, LogSummary, PredictionStore } from '../store/prediction-store.js';
import { storeUriOf } from '../store/store-uri.js';

export type { LogQuery, LogSummary } from '../store/prediction-store.js';

/** One logged row as readers see it: ISO time, JSON columns parsed, unknown columns null. */
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

/**
 * Open an existing prediction log to read it (`fileOrUri`: a file path or a store URI); nothing
 * is created or changed. A missing file is `no_log`, another SQLite database `not_a_log`, a
 * damaged one `log_corrupt` (DataErrors naming it). Close the store when done.
 */
export async function openLogForReading(fileOrUri: string): Promise<PredictionStore> {
  const { log } = await openStores({ log: storeUriOf(fileOrUri) }, { logAccess: 'read' });
  return log;
}

/** Rows matching `q` with their JSON columns parsed, streamed (the log can be larger than memory). */
export async function* readLog(store: PredictionStore, q: LogQuery = {}): AsyncGenerator<LogRecord> {
  for await (const r of store.predictions(q)) yield toRecord(r);
}

/** Row counts, time span and per-run counts of the rows matching `q`. */
export function summarizeLog(store: PredictionStore, q: LogQuery = {}): Promise<LogSummary> {
  return store.summary(q);
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
