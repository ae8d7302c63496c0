/**
 * The PostgreSQL backend: the registry (kysely over a `pg` Pool, advisory-locked writes) and the
 * prediction log with feedback (batched unnest inserts, keyset-paged reads), each in the schema
 * its URI names (`postgres://host/db?schema=tabflow`, default `tabflow`), both migrated on open.
 * The only folder of src/ that imports `pg`.
 */
import type { StoreBackend } from '../backend.js';
import { openPool, parsePgTarget, unavailable } from './connection.js';
import { versionOf } from './migrate.js';
import { PostgresPredictionStore } from './prediction-store.js';
import { PostgresRegistryStore } from './registry-store.js';

export { DEFAULT_SCHEMA, parsePgTarget } from './connection.js';
export { type PostgresPredictionOptions, PostgresPredictionStore } from './prediction-store.js';
export { PostgresRegistryStore, type PostgresStoreOptions } from './registry-store.js';

/** `postgres://…` (or `postgresql://…`): the target is the whole URI. */
export const postgresBackend: StoreBackend = {
  scheme: 'postgres',
  openRegistry(uri, o) {
    return PostgresRegistryStore.open(uri, o);
  },
  async openRegistryForRebuild(uri) {
    // No file to move aside: a schema that cannot be read is the DBA's to restore.
    return { store: await PostgresRegistryStore.open(uri), movedAside: null };
  },
  openPredictions(uri, o) {
    return PostgresPredictionStore.open(uri, o);
  },
  async exists(uri, what) {
    const t = parsePgTarget(uri);
    const pool = openPool(t, { max: 1 });
    try {
      return (await versionOf(pool, what)) > 0;
    } catch (e) {
      throw unavailable(what, t.location, e);
    } finally {
      await pool.end().catch(() => {});
    }
  },
};
