/**
 * The registry's SQLite schema: the tables, the columns added to older files in place (an older
 * tabflow of the same schema version still reads a file a newer one opened: it ignores columns
 * it does not know), and the numbered steps that change what an older tabflow reads (it then
 * refuses the file, `registry_newer`, instead of misreading it).
 *
 * Version 2: `stages.release` dropped. Which release folder serves a stage is each host's own
 * (its stage link), never the registry's; the moves' events keep the releases they wrote.
 */
import type Database from 'better-sqlite3';

export const REGISTRY_SCHEMA_VERSION = 2;

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

/**
 * Bring a file up to this schema, each change under the write lock (two openers race): the
 * columns it lacks, then the numbered steps past its `schema_version` (a new file starts at the
 * newest). A file of a newer schema is left as it is: the caller refuses it.
 */
export function upgradeRegistry(db: Database.Database): void {
  const columns = (table: string) =>
    new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((r) => r.name));
  if (!Object.keys(ADDED_COLUMNS).every((c) => columns('versions').has(c))) {
    db.transaction(() => {
      const cols = columns('versions');
      for (const [c, type] of Object.entries(ADDED_COLUMNS)) {
        if (!cols.has(c)) db.exec(`ALTER TABLE versions ADD COLUMN ${c} ${type}`);
      }
    }).immediate();
  }
  const version = () =>
    Number(
      (
        db.prepare("SELECT value FROM registry_meta WHERE key = 'schema_version'").get() as
          | { value: string }
          | undefined
      )?.value ?? (columns('stages').has('release') ? 1 : REGISTRY_SCHEMA_VERSION),
    );
  if (version() >= REGISTRY_SCHEMA_VERSION) {
    db.prepare("INSERT OR IGNORE INTO registry_meta (key, value) VALUES ('schema_version', ?)").run(
      String(REGISTRY_SCHEMA_VERSION),
    );
    return;
  }
  db.transaction(() => {
    if (version() >= 2) return;
    // Step 2: stage releases are per host.
    if (columns('stages').has('release')) db.exec('ALTER TABLE stages DROP COLUMN release');
    db.prepare("INSERT OR REPLACE INTO registry_meta (key, value) VALUES ('schema_version', '2')").run();
  }).immediate();
}
