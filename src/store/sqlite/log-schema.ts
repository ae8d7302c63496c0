/**
 * The prediction log's SQLite tables. One row per scored input row. Features are kept as the JSON
 * text the client sent (`json_extract(features, '$.age')` scans them), so drift and live-accuracy
 * jobs need no schema change when the model's columns change between runs. Actuals sit in a
 * `feedback` table of the same file, so live accuracy is one join away.
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
