/**
 * A database server behind a store going away and coming back: which failures say "the server
 * cannot be reached" (as opposed to a failed statement), the one error they become
 * (`store_unavailable`, naming the store and what to check), and `waitForStore`, which runs a
 * step again with a bounded back-off while that is the error — for the steps that have more to
 * lose by failing than by waiting (a training run's save, after minutes of fitting). No driver is
 * imported here: the codes are PostgreSQL's SQLSTATE classes and Node's socket errors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DataError } from '../core/errors.js';

/** Which store a failure is about, as its messages name it. */
export type StoreRole = 'registry' | 'log' | 'artifacts';

const NAMES: Record<StoreRole, { what: string; keys: string }> = {
  registry: {
    what: 'model registry',
    keys: 'storage.uri, storage.registry, --storage or TABFLOW_STORAGE_URI',
  },
  log: { what: 'prediction log', keys: 'storage.uri, storage.log, --storage or TABFLOW_STORAGE_URI' },
  artifacts: { what: 'artifact', keys: 'storage.artifacts' },
};

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

/**
 * Whether `e` says the server cannot be reached or used (down, restarting, wrong host, database
 * or user), as opposed to a failed statement.
 */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return true;
    // 08: connection exception, 57P0x: shutdown / cannot connect now, 3D000: no such database,
    // 28: bad user or password.
    if (/^(08|57P0|28)/.test(code) || code === '3D000') return true;
  }
  const message = (e as { message?: unknown } | null)?.message;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error|Client was closed and is not queryable/i.test(
      message,
    )
  );
}

/**
 * A failure reaching the server of store `role` at `location` as a `store_unavailable`
 * DataError naming the store and what to check; any other error unchanged.
 */
export function unavailable(role: StoreRole, location: string, e: unknown): unknown {
  if (isStoreUnavailable(e) || !isConnectionError(e)) return e;
  const m = (e as Error).message || String((e as { code?: unknown }).code);
  const { what, keys } = NAMES[role];
  return new DataError(
    'store_unavailable',
    `Cannot reach the ${what} store ${location}: ${m}. Check that the PostgreSQL server is running ` +
      `and the URI (${keys}) names its host, port, database and user`,
  );
}

/** Whether `e` is a store that cannot be reached (`store_unavailable`). */
export function isStoreUnavailable(e: unknown): e is DataError {
  return e instanceof DataError && e.code === 'store_unavailable';
}

/** How long `waitForStore` waits by default, s (`storage.wait_s`). */
export const DEFAULT_STORE_WAIT_S = 60;

/** Back-off between attempts, ms: doubles from the first to the last. */
const BACKOFF_MS = { first: 250, last: 4000 };

/** One wait of {@link waitForStore}: the step, why, and when it runs again. */
export interface StoreWait {
  /** The step waiting, e.g. `register the run`. */
  step: string;
  /** The store's error (its message names the store). */
  error: string;
  /** Attempts failed so far. */
  attempt: number;
  /** Seconds until the next attempt. */
  retryInS: number;
  /** Seconds waited so far, and at most. */
  waitedS: number;
  limitS: number;
}

/** How {@link waitForStore} waits. */
export interface StoreWaitOptions {
  /** Seconds to keep trying after the first failure (0: fail at once). Default 60. */
  seconds?: number;
  /** Called before each wait (for the command's output). */
  onWait?: (w: StoreWait) => void;
}

/**
 * Run `step` (named `name` in messages), and again with a doubling back-off (0.25 s to 4 s) while
 * it fails with `store_unavailable`, for at most `o.seconds`. Any other error, or the store
 * still away when the time is up, rejects: the latter with the store's message, how long it was
 * waited for and what to do. `step` must be safe to run again after a failure (idempotent, or
 * checking what the failed attempt left).
 */
export async function waitForStore<T>(
  name: string,
  step: (attempt: number) => Promise<T>,
  o: StoreWaitOptions = {},
): Promise<T> {
  const limitS = Math.max(0, o.seconds ?? DEFAULT_STORE_WAIT_S);
  const t0 = performance.now();
  let backoff = BACKOFF_MS.first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
      const waitedS = (performance.now() - t0) / 1000;
      const left = limitS - waitedS;
      if (left <= 0) throw gaveUp(name, e, waitedS, limitS);
      const retryInS = Math.min(backoff, left * 1000) / 1000;
      o.onWait?.({ step: name, error: e.message, attempt, retryInS, waitedS, limitS });
      await sleep(retryInS * 1000);
      backoff = Math.min(backoff * 2, BACKOFF_MS.last);
    }
  }
}

function gaveUp(name: string, e: DataError, waitedS: number, limitS: number): DataError {
  if (limitS === 0) return e;
  return new DataError(
    'store_unavailable',
    `${e.message}. Tried to ${name} for ${waitedS.toFixed(0)} s (storage.wait_s: ${limitS}); ` +
      'start the server (or fix the URI) and run the command again, or raise storage.wait_s to wait longer',
  );
}
