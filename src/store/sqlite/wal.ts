/**
 * Put an SQLite connection in WAL mode when other processes may be opening the same file at the
 * same moment (server workers, a CLI next to a server). SQLite does not call the busy handler
 * for `journal_mode = WAL` while another connection is converting the file, so `busy_timeout`
 * alone still fails with "database is locked": retry here, sleeping, until the timeout.
 */
import type Database from 'better-sqlite3';

const pause = new Int32Array(new SharedArrayBuffer(4));

export function useWal(db: Database.Database, busyTimeoutMs: number): void {
  const timeout = Math.max(0, Math.floor(busyTimeoutMs));
  db.pragma(`busy_timeout = ${timeout}`);
  const deadline = Date.now() + timeout;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw e;
      // A blocking sleep: the callers open their database synchronously, before serving.
      Atomics.wait(pause, 0, 0, wait);
    }
  }
}
