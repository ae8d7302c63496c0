/**
 * The registry's pool as kysely sees it: every failure to reach the server — connecting, or a
 * statement on a connection the server ended (a restart) — comes out as `store_unavailable`
 * naming the store, whichever query met it, instead of the driver's bare `ECONNREFUSED` or
 * `terminating connection due to administrator command`. A connection that failed that way is
 * destroyed on release, never handed to the next query.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { isConnectionError } from '../store-outage.js';
import { unavailable } from './connection.js';

/** `pool` for kysely's PostgresDialect, its connection failures as `store_unavailable`. */
export function checkedPool(pool: pg.Pool, what: 'registry' | 'log', location: string): PostgresPool {
  const fail = (e: unknown): never => {
    throw unavailable(what, location, e);
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const c = await pool.connect().catch(fail);
      let broken = false;
      const query = ((text: string, params: readonly unknown[]) =>
        c.query(text, params as unknown[]).catch((e: unknown) => {
          if (isConnectionError(e)) broken = true;
          return fail(e);
        })) as unknown as PostgresPoolClient['query'];
      return { query, release: (destroy?: boolean) => c.release(destroy || broken) };
    },
    end: () => pool.end(),
  };
}
