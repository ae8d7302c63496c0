/**
 * Open (creating if needed) the prediction log's SQLite file the way every writer does: WAL, so
 * readers never block the serving path; synchronous NORMAL (a power cut may lose the last commits,
 * a process crash loses nothing); a busy timeout for the other connections' locks.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DataError } from '../core/errors.js';

export function openLogDb(file: string, busyTimeoutMs = 5000): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (e) {
    throw new DataError('log_open', `Cannot open the prediction log ${file}: ${(e as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return db;
}
