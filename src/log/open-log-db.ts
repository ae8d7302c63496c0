/**
 * Open (creating if needed) the prediction log's SQLite file the way every writer does: WAL, so
 * readers never block the serving path; synchronous NORMAL (a power cut may lose the last commits,
 * a process crash loses nothing); a busy timeout for the other connections' locks.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DataError } from '../core/errors.js';
import { useWal } from '../core/sqlite-wal.js';

export function openLogDb(file: string, busyTimeoutMs = 5000): Database.Database {
  let db: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (e) {
    throw new DataError('log_open', `Cannot open the prediction log ${file}: ${(e as Error).message}`);
  }
  useWal(db, busyTimeoutMs);
  db.pragma('synchronous = NORMAL');
  return db;
}
