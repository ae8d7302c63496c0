/**
 * Bring an existing prediction log up to this version's columns. Logs written before the
 * registry lack `model_version` and `stage`, logs written before A/B tests `arm` and
 * `experiment_id`; they get them as nullable columns (old rows read as "unknown"), in one IMMEDIATE transaction so two server workers opening the same old
 * log at once do not both try to add them.
 */
import type Database from 'better-sqlite3';
import { ADDED_COLUMNS } from './log-schema.js';

/** Returns the names of the columns it added. */
export function migrateLog(db: Database.Database, schemaVersion: number): string[] {
  const added: string[] = [];
  const run = db.transaction(() => {
    const cols = db.pragma('table_info(predictions)') as { name: string }[];
    const have = new Set(cols.map((c) => c.name));
    for (const c of ADDED_COLUMNS) {
      if (have.has(c.name)) continue;
      db.exec(`ALTER TABLE predictions ADD COLUMN ${c.name} ${c.type}`);
      added.push(c.name);
    }
    const row = db.prepare("SELECT value FROM log_meta WHERE key = 'schema_version'").get() as
      | { value: string }
      | undefined;
    // A log written by a newer tabflow keeps its number (its extra columns are left alone).
    const stored = row ? Number(row.value) : 0;
    if (!(stored >= schemaVersion)) {
      db.prepare("INSERT OR REPLACE INTO log_meta (key, value) VALUES ('schema_version', ?)").run(
        String(schemaVersion),
      );
    }
  });
  run.immediate();
  return added;
}
