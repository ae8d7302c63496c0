/**
 * The embedded registry store: one SQLite file in the models root (better-sqlite3, WAL, so
 * readers never wait for a writer), queried through kysely (src/store/sql/registry-queries.ts).
 * Writers take `BEGIN IMMEDIATE`, which serialises them across processes; a waiting writer
 * retries for `busyTimeoutMs` before giving up with SQLITE_BUSY.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { DataError } from '../../core/errors.js';
import { type RegistryDb, SqlRegistryStore, type WriteTransaction } from '../sql/registry-queries.js';
import { REGISTRY_DDL, REGISTRY_SCHEMA_VERSION, upgradeRegistry } from './registry-schema.js';
import { useWal } from './wal.js';

/** How to open a registry file. */
export interface SqliteStoreOptions {
  /** How long a writer waits for another process's lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

/** The registry of one SQLite file; opening creates it (and its folder) when missing. */
export class SqliteRegistryStore extends SqlRegistryStore {
  constructor(file: string, opts: SqliteStoreOptions = {}) {
    const db = openRegistryFile(file, opts);
    super(file, new Kysely<RegistryDb>({ dialect: new SqliteDialect({ database: db }) }), immediateOn(db));
  }
}

/**
 * `BEGIN IMMEDIATE` takes SQLite's write lock up front, so a transaction that reads before it
 * writes cannot fail to upgrade; kysely holds the one connection until it ends.
 */
function immediateOn(raw: Database.Database): WriteTransaction {
  return (db, body) =>
    db.connection().execute(async (tx) => {
      await sql`BEGIN IMMEDIATE`.execute(tx);
      try {
        const out = await body(tx);
        await sql`COMMIT`.execute(tx);
        return out;
      } catch (e) {
        // SQLite may have rolled back already (a failed COMMIT, SQLITE_FULL): nothing to undo then.
        if (raw.inTransaction) await sql`ROLLBACK`.execute(tx);
        throw e;
      }
    });
}

function openRegistryFile(file: string, opts: SqliteStoreOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    useWal(db, opts.busyTimeoutMs ?? 5000);
    // FULL: a committed stage move survives a power cut, matching the fsynced folders.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.exec(REGISTRY_DDL);
    upgradeRegistry(db);
  } catch (e) {
    db?.close();
    throw new DataError('registry_open', `Cannot open the model registry ${file}: ${(e as Error).message}`);
  }
  const row = db.prepare("SELECT value FROM registry_meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  const v = Number(row?.value);
  if (v > REGISTRY_SCHEMA_VERSION) {
    db.close();
    throw new DataError(
      'registry_newer',
      `The model registry ${file} has schema version ${v}; this tabflow reads up to ${REGISTRY_SCHEMA_VERSION}: upgrade tabflow`,
    );
  }
  return db;
}
