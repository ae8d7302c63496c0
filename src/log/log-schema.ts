/**
 * The prediction log's table. One row per scored input row. Features are kept as the JSON text
 * the client sent (`json_extract(features, '$.age')` scans them), so drift and live-accuracy jobs
 * need no schema change when the model's columns change between runs.
 */
export const LOG_SCHEMA_VERSION = 3;

export const LOG_DDL = `
CREATE TABLE IF NOT EXISTS predictions (
  id          INTEGER PRIMARY KEY,
  ts          INTEGER NOT NULL,   -- ms since the Unix epoch (UTC)
  request_id  TEXT    NOT NULL,
  row         INTEGER NOT NULL,   -- index of the row within its request
  route       TEXT,
  model_name  TEXT    NOT NULL,
  run_id      TEXT    NOT NULL,
  status      TEXT    NOT NULL,   -- ok | rejected
  prediction  REAL,
  lower       REAL,
  upper       REAL,
  coverage    REAL,
  latency_ms  REAL,
  features    TEXT    NOT NULL,   -- JSON object, as received
  warnings    TEXT,               -- JSON array of {row, field, code, message}; NULL when none
  errors      TEXT,
  model_version INTEGER,          -- registered version served (registry.json); NULL when unknown
  stage       TEXT,               -- stage it was served as (dev, staging, production); NULL when unknown
  arm         TEXT,               -- A/B arm: champion | challenger | shadow; NULL outside an experiment
  experiment_id TEXT              -- experiment.json id the row was part of; NULL outside one
);
-- One index: time windows are what readers ask for (a run filter scans within the window);
-- each extra index costs every insert on the serving path.
CREATE INDEX IF NOT EXISTS predictions_ts ON predictions (ts);
CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export const LOG_COLUMNS = [
  'ts',
  'request_id',
  'row',
  'route',
  'model_name',
  'run_id',
  'status',
  'prediction',
  'lower',
  'upper',
  'coverage',
  'latency_ms',
  'features',
  'warnings',
  'errors',
  'model_version',
  'stage',
  'arm',
  'experiment_id',
] as const;

/**
 * Columns added after version 1, in order: a log written by an older tabflow gets them with
 * ALTER TABLE ADD COLUMN (nullable, so old rows read as "unknown").
 */
export const ADDED_COLUMNS: readonly { name: string; type: string; since: number }[] = [
  { name: 'model_version', type: 'INTEGER', since: 2 },
  { name: 'stage', type: 'TEXT', since: 2 },
  { name: 'arm', type: 'TEXT', since: 3 },
  { name: 'experiment_id', type: 'TEXT', since: 3 },
];

/** One logged row as stored (JSON columns still text). */
export interface LoggedPrediction {
  id: number;
  ts: number;
  request_id: string;
  row: number;
  route: string | null;
  model_name: string;
  run_id: string;
  status: string;
  prediction: number | null;
  lower: number | null;
  upper: number | null;
  coverage: number | null;
  latency_ms: number | null;
  features: string;
  warnings: string | null;
  errors: string | null;
  model_version: number | null;
  stage: string | null;
  arm?: string | null;
  experiment_id?: string | null;
}

/**
 * Fields of one logged row that are not model features (those an `unexpected_field` issue names)
 * kept in the log and in flat exports; the others are counted, not stored. One 68 KB request
 * with 5,000 made-up field names would otherwise store 5,000 fields and 5,000 warnings per row,
 * and become 5,000 columns of a CSV export.
 */
export const MAX_UNKNOWN_FIELDS = 20;

/** An issue as stored in the `warnings` / `errors` JSON of a row. */
export interface StoredIssue {
  code: string;
  field?: string;
  message?: string;
  /** On the one summary issue of a capped row: how many unknown fields were left out. */
  omitted?: number;
}

/** The field named by the summary issue of a row whose unknown fields were capped. */
export const OMITTED_FIELDS = '(more fields)';

/**
 * A row's inputs and issues as they are stored: its first `MAX_UNKNOWN_FIELDS` unknown fields
 * and their issues are kept, the rest of them dropped and counted in one summary issue
 * (`unexpected_field` on `OMITTED_FIELDS`, with `omitted`). A row within the cap is returned as
 * it came (the common case costs one pass over its issues).
 */
export function capUnknownFields<I extends StoredIssue>(
  features: unknown,
  warnings: readonly I[] | undefined,
  errors: readonly I[] | undefined,
  max = MAX_UNKNOWN_FIELDS,
): {
  features: unknown;
  warnings: readonly (I | StoredIssue)[] | undefined;
  errors: readonly (I | StoredIssue)[] | undefined;
} {
  const unknown: string[] = [];
  for (const list of [warnings, errors]) {
    if (!list) continue;
    for (const is of list) {
      if (is.code === 'unexpected_field' && typeof is.field === 'string' && is.field !== OMITTED_FIELDS) {
        unknown.push(is.field);
      }
    }
  }
  if (unknown.length <= max) return { features, warnings, errors };
  const drop = new Set(unknown.slice(max));
  let kept: unknown = features;
  if (features !== null && typeof features === 'object' && !Array.isArray(features)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(features)) if (!drop.has(k)) out[k] = v;
    kept = out;
  }
  const cap = (list: readonly I[] | undefined) => {
    const isDropped = (is: I) => is.code === 'unexpected_field' && drop.has(is.field as string);
    const first = list?.find(isDropped);
    if (!list || !first) return list;
    const n = list.filter(isDropped).length;
    const summary: StoredIssue = {
      ...first,
      field: OMITTED_FIELDS,
      message: `${n} more fields that are not model features were not logged`,
      omitted: n,
    };
    return [...list.filter((is) => !isDropped(is)), summary];
  };
  return { features: kept, warnings: cap(warnings), errors: cap(errors) };
}
