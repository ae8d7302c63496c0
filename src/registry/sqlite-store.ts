/**
 * The embedded registry store: one SQLite file in the models root (better-sqlite3, WAL, so
 * readers never wait for a writer). Writers take `BEGIN IMMEDIATE`, which serialises them across
 * processes; a waiting writer retries for `busyTimeoutMs` before giving up with SQLITE_BUSY.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DataError } from '../core/errors.js';
import { useWal } from '../core/sqlite-wal.js';
import type { Stage } from './names.js';
import type {
  AliasRow,
  EventType,
  NewEvent,
  NewVersion,
  RegistryEvent,
  RegistryStore,
  StageRow,
  StoredVersion,
} from './store.js';

export const REGISTRY_DB_FILE = 'registry.sqlite';
const SCHEMA_VERSION = 1;

const DDL = `
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

const JSON_COLUMNS = ['artifacts', 'params', 'metrics', 'tags'] as const;

/**
 * Columns added after schema version 1, nullable (rows registered before them have none): added
 * in place on open, so an older tabflow still reads the file (it ignores columns it does not know).
 */
const ADDED_COLUMNS: Record<string, string> = {
  target: 'TEXT',
  data_file: 'TEXT',
  data_rows: 'INTEGER',
  features: 'TEXT',
};

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

export class SqliteRegistryStore implements RegistryStore {
  readonly location: string;
  private readonly db: Database.Database;
  private depth = 0;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.location = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    try {
      this.db = new Database(file);
      useWal(this.db, opts.busyTimeoutMs ?? 5000);
      // FULL: a committed stage move survives a power cut, matching the fsynced folders.
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.exec(DDL);
      this.addColumns();
      this.db
        .prepare('INSERT OR IGNORE INTO registry_meta (key, value) VALUES (?, ?)')
        .run('schema_version', String(SCHEMA_VERSION));
    } catch (e) {
      throw new DataError('registry_open', `Cannot open the model registry ${file}: ${(e as Error).message}`);
    }
    const v = Number(this.getMeta('schema_version'));
    if (v > SCHEMA_VERSION) {
      this.db.close();
      throw new DataError(
        'registry_newer',
        `The model registry ${file} has schema version ${v}; this tabflow reads up to ${SCHEMA_VERSION}: upgrade tabflow`,
      );
    }
  }

  /** Add the columns of ADDED_COLUMNS a file lacks (under the write lock: two openers race). */
  private addColumns(): void {
    const have = () =>
      new Set((this.db.prepare('PRAGMA table_info(versions)').all() as Row[]).map((r) => String(r.name)));
    if (Object.keys(ADDED_COLUMNS).every((c) => have().has(c))) return;
    this.db
      .transaction(() => {
        const cols = have();
        for (const [c, type] of Object.entries(ADDED_COLUMNS)) {
          if (!cols.has(c)) this.db.exec(`ALTER TABLE versions ADD COLUMN ${c} ${type}`);
        }
      })
      .immediate();
  }

  writeTransaction<T>(fn: () => T): T {
    // Nested calls join the outer transaction (better-sqlite3 would open a savepoint).
    if (this.depth > 0) return fn();
    this.depth++;
    try {
      return this.db.transaction(fn).immediate();
    } finally {
      this.depth--;
    }
  }

  getMeta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM registry_meta WHERE key = ?').get(key) as Row | undefined;
    return r ? String(r.value) : null;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO registry_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  insertVersion(v: NewVersion): number {
    const next = this.db.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS n FROM versions').get() as Row;
    const version = Number(next.n);
    const row: Row = { ...v, version };
    for (const c of JSON_COLUMNS) row[c] = JSON.stringify(v[c]);
    if (v.features !== undefined) row.features = JSON.stringify(v.features);
    const cols = Object.keys(row);
    this.db
      .prepare(`INSERT INTO versions (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`)
      .run(row);
    return version;
  }

  getVersion(version: number): StoredVersion | null {
    const r = this.db.prepare('SELECT * FROM versions WHERE version = ?').get(version) as Row | undefined;
    return r ? toVersion(r) : null;
  }

  findRun(runId: string): StoredVersion | null {
    const r = this.db.prepare('SELECT * FROM versions WHERE run_id = ?').get(runId) as Row | undefined;
    return r ? toVersion(r) : null;
  }

  listVersions(): StoredVersion[] {
    return (this.db.prepare('SELECT * FROM versions ORDER BY version').all() as Row[]).map(toVersion);
  }

  getStages(): StageRow[] {
    return this.db
      .prepare('SELECT stage, version, release, since FROM stages ORDER BY stage')
      .all() as StageRow[];
  }

  setStage(row: StageRow): void {
    this.db
      .prepare(
        `INSERT INTO stages (stage, version, release, since) VALUES (@stage, @version, @release, @since)
         ON CONFLICT(stage) DO UPDATE SET version = excluded.version, release = excluded.release, since = excluded.since`,
      )
      .run(row);
  }

  getAliases(): AliasRow[] {
    return this.db
      .prepare('SELECT alias, version, updated_at FROM aliases ORDER BY alias')
      .all() as AliasRow[];
  }

  setAlias(row: AliasRow): void {
    this.db
      .prepare(
        `INSERT INTO aliases (alias, version, updated_at) VALUES (@alias, @version, @updated_at)
         ON CONFLICT(alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
      )
      .run(row);
  }

  removeAlias(alias: string): boolean {
    return this.db.prepare('DELETE FROM aliases WHERE alias = ?').run(alias).changes > 0;
  }

  addEvent(e: NewEvent): number {
    const r = this.db
      .prepare(
        `INSERT INTO events (ts, type, stage, version, from_version, actor, reason, decision, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.ts,
        e.type,
        e.stage ?? null,
        e.version ?? null,
        e.from_version ?? null,
        e.actor ?? null,
        e.reason ?? null,
        e.decision ?? null,
        e.details ? JSON.stringify(e.details) : null,
      );
    return Number(r.lastInsertRowid);
  }

  listEvents(o: { limit?: number; stage?: Stage } = {}): RegistryEvent[] {
    const where = o.stage ? 'WHERE stage = ?' : '';
    const args: unknown[] = o.stage ? [o.stage] : [];
    const limit = o.limit === undefined ? -1 : Math.max(0, Math.floor(o.limit));
    const rows = this.db
      .prepare(`SELECT * FROM (SELECT * FROM events ${where} ORDER BY id DESC LIMIT ?) ORDER BY id`)
      .all(...args, limit) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      ts: String(r.ts),
      type: r.type as EventType,
      stage: (r.stage as Stage | null) ?? null,
      version: r.version === null ? null : Number(r.version),
      from_version: r.from_version === null ? null : Number(r.from_version),
      actor: (r.actor as string | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      decision: (r.decision as string | null) ?? null,
      details: r.details ? (JSON.parse(String(r.details)) as Record<string, unknown>) : null,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toVersion(r: Row): StoredVersion {
  const out = { ...r } as Record<string, unknown>;
  for (const c of JSON_COLUMNS) out[c] = JSON.parse(String(r[c]));
  for (const c of Object.keys(ADDED_COLUMNS)) if (out[c] === null || out[c] === undefined) delete out[c];
  if (typeof out.features === 'string') out.features = JSON.parse(out.features);
  if (out.data_rows !== undefined) out.data_rows = Number(out.data_rows);
  out.version = Number(r.version);
  return out as unknown as StoredVersion;
}
