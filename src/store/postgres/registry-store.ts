/**
 * The registry on PostgreSQL: the shared kysely queries (src/store/sql/registry-queries.ts)
 * over kysely's PostgresDialect and a `pg` Pool. A write transaction first takes a
 * transaction-scoped advisory lock on the schema's registry, so writers on every host serialise
 * as SQLite's `BEGIN IMMEDIATE` makes them do on one: a version number is read and used under
 * the lock, and a stage move sees the stage rows the previous one committed. A waiting writer
 * gives up after `busyTimeoutMs` (`lock_timeout`).
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { DataError } from '../../core/errors.js';
import type { RegistryWatch, WatchOptions } from '../registry-store.js';
import { type RegistryDb, SqlRegistryStore, type WriteTransaction } from '../sql/registry-queries.js';
import { checkedPool } from './checked-pool.js';
import { lockKey, openPool, type PgTarget, parsePgTarget, unavailable } from './connection.js';
import { migrate } from './migrate.js';
import { listenForRegistryChanges, REGISTRY_CHANNEL } from './registry-listener.js';
import { REGISTRY_MIGRATIONS, REGISTRY_SCHEMA_VERSION } from './registry-schema.js';

/** How to open a PostgreSQL registry. */
export interface PostgresStoreOptions {
  /** How long a writer waits for another's lock, ms (default 5000). */
  busyTimeoutMs?: number;
  /** How long connecting may take, ms (default 5000). */
  connectTimeoutMs?: number;
}

/** The registry in one PostgreSQL schema; opening creates and migrates it. */
export class PostgresRegistryStore extends SqlRegistryStore {
  private constructor(
    location: string,
    db: Kysely<RegistryDb>,
    write: WriteTransaction,
    private readonly pool: pg.Pool,
    private readonly uri: string,
  ) {
    super(location, db, write);
  }

  /** Open the registry a `postgres://…?schema=` URI names, migrating it (under a lock) on the way. */
  static async open(uri: string, o: PostgresStoreOptions = {}): Promise<PostgresRegistryStore> {
    const t = parsePgTarget(uri);
    const pool = openPool(t, { connectTimeoutMs: o.connectTimeoutMs });
    try {
      const m = await migrate(pool, t.schema, 'registry', REGISTRY_MIGRATIONS);
      if (m.to > REGISTRY_SCHEMA_VERSION) {
        throw new DataError(
          'registry_newer',
          `The model registry ${t.location} has schema version ${m.to}; this tabflow reads up to ${REGISTRY_SCHEMA_VERSION}: upgrade tabflow`,
        );
      }
    } catch (e) {
      await pool.end().catch(() => {});
      throw openError(t, e);
    }
    const db = new Kysely<RegistryDb>({
      dialect: new PostgresDialect({ pool: checkedPool(pool, 'registry', t.location) }),
    });
    return new PostgresRegistryStore(
      t.location,
      db,
      advisoryLocked(t.schema, o.busyTimeoutMs ?? 5000),
      pool,
      uri,
    );
  }

  /** Notified at every committed write of this schema, from any host (LISTEN/NOTIFY). */
  override async watch(onChange: () => void, o: WatchOptions = {}): Promise<RegistryWatch> {
    try {
      return await listenForRegistryChanges(this.uri, { onChange, onStatus: o.onStatus });
    } catch (e) {
      throw unavailable('registry', this.location, e);
    }
  }

  /** A round trip to the server: rejects with `store_unavailable` when it cannot be reached. */
  override async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (e) {
      throw unavailable('registry', this.location, e);
    }
  }
}

function openError(t: PgTarget, e: unknown): unknown {
  const u = unavailable('registry', t.location, e);
  if (u !== e || e instanceof DataError) return u;
  return new DataError(
    'registry_open',
    `Cannot open the model registry ${t.location}: ${(e as Error).message}`,
  );
}

/**
 * A kysely transaction that first waits (at most `timeoutMs`) for the registry's advisory lock;
 * PostgreSQL releases it at COMMIT or ROLLBACK, and when the connection dies.
 */
function advisoryLocked(schema: string, timeoutMs: number): WriteTransaction {
  const key = lockKey(schema, 'registry-write');
  const timeout = `${Math.max(0, Math.floor(timeoutMs))}ms`;
  return (db, body) =>
    db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('lock_timeout', ${timeout}, true)`.execute(tx);
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
      await sql`SELECT set_config('lock_timeout', '0', true)`.execute(tx);
      const out = await body(tx);
      // Delivered at COMMIT (never for a rollback): serving nodes re-read the stages at once.
      // Only when the transaction wrote (PostgreSQL gives it an id at its first write): a
      // writer that found nothing to change (a prune, a host's own folder work) wakes nobody.
      await sql`SELECT pg_notify(${REGISTRY_CHANNEL}, ${schema}) WHERE txid_current_if_assigned() IS NOT NULL`.execute(
        tx,
      );
      return out;
    });
}
