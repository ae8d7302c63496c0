/**
 * A PostgreSQL store's connection: the URI's parts (the schema the tables live in, a location
 * without the password), a `pg` Pool whose connections search that schema only, and the failures
 * of the server turned into errors that name the store — never a stack trace, never a crash of
 * the process when the server goes away (the pool's idle connections then report on its
 * `error` event, which is handled here; the next query reconnects).
 */
import pg from 'pg';
import { isConnectionError, unavailable as storeUnavailable } from '../store-outage.js';
import { DEFAULT_PG_SCHEMA, postgresSchemaOf } from '../store-uri.js';

/** The schema a URI without `?schema=` uses (defined with the URI rules). */
export const DEFAULT_SCHEMA = DEFAULT_PG_SCHEMA;

/** What a `postgres://…` URI names: where to connect and the schema of the tables. */
export interface PgTarget {
  /** The URI without tabflow's own parameters (`schema`), as `pg` reads it. */
  connectionString: string;
  schema: string;
  /** The URI without its password, for messages and `location`. */
  location: string;
}

/**
 * Split a URI the store-URI parser has already checked (src/store/store-uri.ts): `schema` is
 * tabflow's parameter, everything else is the driver's.
 */
export function parsePgTarget(uri: string): PgTarget {
  const url = new URL(uri);
  const schema = postgresSchemaOf(uri);
  url.searchParams.delete('schema');
  const connectionString = url.toString();
  const shown = new URL(url.toString());
  if (shown.password) shown.password = '***';
  shown.searchParams.set('schema', schema);
  return { connectionString, schema, location: shown.toString() };
}

/** How to open a pool. */
export interface PoolOptions {
  /** How long a new connection may take before the call fails, ms (default 5000). */
  connectTimeoutMs?: number;
  /** Connections at most (default 10). */
  max?: number;
}

// bigint (ids, ms timestamps) and count(*) as numbers: every value tabflow stores is below 2^53.
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A pool on `t`: its connections use the store's schema only (`search_path`). */
export function openPool(t: PgTarget, o: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: t.connectionString,
    // A server setting for the connection's session (libpq's `options`): the store's schema only.
    options: ['-c', `search_path=${t.schema}`].join(' '),
    types,
    max: o.max ?? 10,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5000,
    // A server restart ends the idle connections: let them go, reconnect on the next query.
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
  });
  // Without a listener, a connection the server ends (restart, outage) throws in the process:
  // an idle one on the pool's `error`, one checked out between two statements (a transaction
  // doing its file work) on its own. The next statement that needs the server reports it
  // (store_unavailable) and the broken connection is dropped on release.
  pool.on('error', () => {});
  pool.on('connect', (c) => c.on('error', () => {}));
  return pool;
}

/** A lock key for `what` in `schema`: advisory locks are database-wide, so the schema is part of it. */
export function lockKey(schema: string, what: 'migrate' | 'registry-write'): string {
  return `tabflow:${schema}:${what}`;
}

/**
 * A failure reaching the server as a DataError naming the store and what to check; anything
 * else unchanged.
 */
export function unavailable(what: 'registry' | 'log', location: string, e: unknown): unknown {
  return storeUnavailable(what, location, e);
}

/** `fn` with a connection of the pool, released after (destroyed when the connection broke). */
export async function withClient<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    return await fn(c);
  } catch (e) {
    if (isConnectionError(e)) broken = e as Error;
    throw e;
  } finally {
    c.release(broken);
  }
}

/** `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (c) => {
    await c.query('BEGIN');
    try {
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      // A broken connection has nothing to roll back; the server discards the transaction.
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  });
}
