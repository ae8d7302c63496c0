/**
 * Open (creating if needed) the prediction log's SQLite file the way every writer does: WAL, so
 * readers never block the serving path; synchronous NORMAL (a power cut may lose the last commits,
 * a process crash loses nothing); a busy timeout for the other connections' locks.
 *
 * A file that is not an SQLite database, or a damaged one, fails here with a DataError naming it
 * (exit 2 in the CLI), not later with SQLite's bare "file is not a database".
 */

import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DataError } from '../../core/errors.js';
import { useWal } from './wal.js';

/** Open the log for writing (WAL, NORMAL), creating the file and its folder when missing. */
export function openLogDb(file: string, busyTimeoutMs = 5000): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    useWal(db, busyTimeoutMs);
    db.pragma('synchronous = NORMAL');
    probeLogFile(db);
  } catch (e) {
    db?.close();
    throw isSqliteError(e)
      ? logFileError(file, e, 'open')
      : new DataError('log_open', `Cannot open the prediction log ${file}: ${(e as Error).message}`);
  }
  return db;
}

/**
 * Touch the pages an open would otherwise meet later: the schema, and the last page of each log
 * table (a truncated copy loses the end of the file). A few page reads, whatever the log's size;
 * damage in the middle of a large log is found (and named, see `logFileError`) by the query that
 * reads it.
 */
export function probeLogFile(db: Database.Database): string[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.includes('predictions')) db.prepare('SELECT id FROM predictions ORDER BY id DESC LIMIT 1').get();
  if (tables.includes('feedback')) db.prepare('SELECT id FROM feedback ORDER BY id DESC LIMIT 1').get();
  if (tables.includes('log_meta')) db.prepare('SELECT count(*) FROM log_meta').get();
  return tables;
}

function isSqliteError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * An SQLite failure on the log `file` as a DataError that names it. `open`: every SQLite error
 * (unreadable, locked, read-only); `read`: only a damaged file (a busy lock or a full disk during
 * a query stays what it is). Anything else is returned unchanged.
 */
export function logFileError(file: string, e: unknown, during: 'open' | 'read'): unknown {
  if (!isSqliteError(e)) return e;
  const { code, message } = e as { code: string; message: string };
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new DataError(
      'log_corrupt',
      `The prediction log ${file} is damaged or not an SQLite database (SQLite: ${message}). ` +
        'Move it aside and restore a backup (`tabflow serve` starts a new, empty log when there is ' +
        'none), or name another log file with --db (--log-db for serve)',
    );
  }
  if (during === 'read') return e;
  return new DataError('log_open', `Cannot open the prediction log ${file}: ${message}`);
}

/**
 * Open an existing log read-only: a missing file is `no_log`, an SQLite file without a
 * predictions table `not_a_log`, a damaged one `log_corrupt` (all DataErrors naming it).
 */
export function openLogReadOnly(file: string): Database.Database {
  if (!existsSync(file)) {
    throw new DataError(
      'no_log',
      `No prediction log at ${file}: start \`tabflow serve\` and send predictions first`,
    );
  }
  let db: Database.Database | undefined;
  let tables: string[];
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    tables = probeLogFile(db);
  } catch (e) {
    db?.close();
    throw logFileError(file, e, 'open');
  }
  if (!tables.includes('predictions')) {
    db.close();
    throw new DataError(
      'not_a_log',
      `${file} is an SQLite database but not a prediction log: it has no predictions table ` +
        `(tables: ${tables.join(', ') || 'none'})`,
    );
  }
  return db;
}
