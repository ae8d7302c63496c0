/**
 * The prediction log's PostgreSQL tables, as migration steps: the same columns as the SQLite log
 * (src/store/sqlite/log-schema.ts). Timestamps are bigint ms since the epoch (the log's unit
 * everywhere), the inputs the JSON text the client sent. Feedback is its own component: its
 * table and the (request_id, row) index that feedback lookups need are created only when a
 * store is opened for feedback, since each index costs every insert on the serving path.
 */
import type { Migration } from './migrate.js';

/** The log's steps. */
export const LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'predictions table',
    sql: `
CREATE TABLE predictions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts            bigint NOT NULL,
  request_id    text NOT NULL,
  "row"         integer NOT NULL,
  route         text,
  model_name    text NOT NULL,
  run_id        text NOT NULL,
  status        text NOT NULL,
  prediction    double precision,
  lower         double precision,
  upper         double precision,
  coverage      double precision,
  latency_ms    double precision,
  features      text NOT NULL,
  warnings      text,
  errors        text,
  model_version integer,
  stage         text,
  arm           text,
  experiment_id text
);
-- Time windows are what readers ask for (a run filter scans within the window).
CREATE INDEX predictions_ts ON predictions (ts);
`,
  },
];

/** The feedback steps. */
export const FEEDBACK_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'feedback table and request lookup',
    sql: `
CREATE TABLE feedback (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts         bigint NOT NULL,
  request_id text NOT NULL,
  "row"      integer NOT NULL,
  actual     double precision NOT NULL,
  source     text,
  UNIQUE (request_id, "row")
);
CREATE INDEX predictions_request ON predictions (request_id, "row");
`,
  },
];

/** The log's columns in insert order, with the array type each is sent as (one array per column). */
export const LOG_COLUMN_TYPES = [
  ['ts', 'bigint'],
  ['request_id', 'text'],
  ['row', 'integer'],
  ['route', 'text'],
  ['model_name', 'text'],
  ['run_id', 'text'],
  ['status', 'text'],
  ['prediction', 'double precision'],
  ['lower', 'double precision'],
  ['upper', 'double precision'],
  ['coverage', 'double precision'],
  ['latency_ms', 'double precision'],
  ['features', 'text'],
  ['warnings', 'text'],
  ['errors', 'text'],
  ['model_version', 'integer'],
  ['stage', 'text'],
  ['arm', 'text'],
  ['experiment_id', 'text'],
] as const;
