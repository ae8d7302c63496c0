/**
 * The registry's SQLite schema: the tables, and the columns added to older files in place (so
 * an older tabflow still reads a file a newer one opened: it ignores columns it does not know).
 */
import type Database from 'better-sqlite3';

export const REGISTRY_SCHEMA_VERSION = 1;

export const REGISTRY_DDL = `
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

/**
 * Columns added after schema version 1, nullable (rows registered before them have none): what
 * each version was trained on (target, data file, rows, input columns).
 */
const ADDED_COLUMNS: Record<string, string> = {
  target: 'TEXT',
  data_file: 'TEXT',
  data_rows: 'INTEGER',
  features: 'TEXT',
};

/** Add the columns a file lacks (under the write lock: two openers race) and its schema version. */
export function upgradeRegistry(db: Database.Database): void {
  const have = () =>
    new Set((db.prepare('PRAGMA table_info(versions)').all() as { name: string }[]).map((r) => r.name));
  if (!Object.keys(ADDED_COLUMNS).every((c) => have().has(c))) {
    db.transaction(() => {
      const cols = have();
      for (const [c, type] of Object.entries(ADDED_COLUMNS)) {
        if (!cols.has(c)) db.exec(`ALTER TABLE versions ADD COLUMN ${c} ${type}`);
      }
    }).immediate();
  }
  db.prepare('INSERT OR IGNORE INTO registry_meta (key, value) VALUES (?, ?)').run(
    'schema_version',
    String(REGISTRY_SCHEMA_VERSION),
  );
}
