/**
 * A registry as tabflow wrote it before schema version 2 (stage rows naming a release folder),
 * for the migration tests of both backends: the SQLite file's tables (the PostgreSQL ones are
 * the first migration step), rows in portable SQL, and what the migrated store must read back.
 */
import assert from 'node:assert/strict';
import type { RegistryStore } from '../../src/internal.js';

/** The SQLite registry tables of schema version 1. */
export const SQLITE_V1_DDL = `
CREATE TABLE IF NOT EXISTS registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  run_id TEXT NOT NULL UNIQUE,
  run_dir TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  metadata_sha256 TEXT NOT NULL,
  artifacts TEXT NOT NULL,
  model_kind TEXT NOT NULL,
  model_name TEXT NOT NULL,
  params TEXT NOT NULL,
  metrics TEXT NOT NULL,
  data_sha256 TEXT NOT NULL,
  config_sha256 TEXT NOT NULL,
  trained_at TEXT NOT NULL,
  tags TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stages (
  stage TEXT PRIMARY KEY,
  version INTEGER NOT NULL REFERENCES versions(version),
  release TEXT NOT NULL,
  since TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (
  alias TEXT PRIMARY KEY,
  version INTEGER NOT NULL REFERENCES versions(version),
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL,
  type TEXT NOT NULL,
  stage TEXT,
  version INTEGER,
  from_version INTEGER,
  actor TEXT,
  reason TEXT,
  decision TEXT,
  details TEXT
);
CREATE INDEX IF NOT EXISTS events_stage ON events (stage, id);
`;

const SHA = (c: string) => c.repeat(64);

/** Two versions, production and dev rows naming their releases, an alias, three events. */
export const V1_ROWS = [
  "INSERT INTO registry_meta (key, value) VALUES ('model_name', 'default')",
  ...[1, 2].map(
    (v) =>
      `INSERT INTO versions VALUES (${v}, 'default', 'run-${v}', 'runs/run-${v}', '2026-01-0${v}T00:00:00Z', 'ana',
       '${SHA(String(v))}', '{}', 'ridge', 'ridge', '{}', '{"test":{"rmse":${v}}}', '${SHA('c')}', '${SHA('d')}',
       '2026-01-0${v}T00:00:00Z', '{"team":"pricing"}')`,
  ),
  "INSERT INTO stages (stage, version, release, since) VALUES ('production', 1, 'production-v1-host-a', 't1')",
  "INSERT INTO stages (stage, version, release, since) VALUES ('dev', 2, 'dev-v2-host-a', 't2')",
  "INSERT INTO aliases (alias, version, updated_at) VALUES ('champion', 1, 't1')",
  "INSERT INTO events (ts, type, stage, version, actor, decision, details) VALUES ('t0', 'register', NULL, 1, 'ana', NULL, '{\"run_id\":\"run-1\"}')",
  "INSERT INTO events (ts, type, stage, version, actor, decision, details) VALUES ('t1', 'promote', 'production', 1, 'ana', 'no_incumbent', '{\"release\":\"production-v1-host-a\"}')",
  "INSERT INTO events (ts, type, stage, version, actor, decision, details) VALUES ('t2', 'promote', 'dev', 2, 'ana', 'ungated', '{\"release\":\"dev-v2-host-a\"}')",
];

/** Every record of V1_ROWS read back through the migrated store; it still takes writes. */
export async function assertMigratedV1(s: RegistryStore): Promise<void> {
  assert.equal(await s.getMeta('model_name'), 'default');
  const versions = await s.listVersions();
  assert.deepEqual(
    versions.map((v) => [v.version, v.run_id, v.metrics.test.rmse, v.tags.team]),
    [
      [1, 'run-1', 1, 'pricing'],
      [2, 'run-2', 2, 'pricing'],
    ],
  );
  assert.deepEqual(await s.getStages(), [
    { stage: 'dev', version: 2, since: 't2' },
    { stage: 'production', version: 1, since: 't1' },
  ]);
  assert.deepEqual(await s.getAliases(), [{ alias: 'champion', version: 1, updated_at: 't1' }]);
  const events = await s.listEvents();
  assert.deepEqual(
    events.map((e) => [e.type, e.stage, e.version, e.details?.release ?? null]),
    [
      ['register', null, 1, null],
      ['promote', 'production', 1, 'production-v1-host-a'],
      ['promote', 'dev', 2, 'dev-v2-host-a'],
    ],
    'the moves keep the releases they wrote, as history',
  );
  await s.writeTransaction(() => s.setStage({ stage: 'production', version: 2, since: 't3' }));
  assert.deepEqual((await s.getStages()).at(-1), { stage: 'production', version: 2, since: 't3' });
}
