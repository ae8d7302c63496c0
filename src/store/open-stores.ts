/**
 * The one place a storage backend is chosen: `openStores({registry, log})` opens each store
 * named by a URI (`sqlite:models/registry.sqlite`, `postgres://host/db?schema=tabflow`), as LightGBM maps a name to a class in one
 * factory per concept and fails loudly on an unknown one.
 */
import type { BackendOptions, StoreBackend } from './backend.js';
import type { PredictionAccess, PredictionStore } from './prediction-store.js';
import type { RegistryStore } from './registry-store.js';
import { sqliteBackend } from './sqlite/index.js';
import { parseStoreUri, type StoreScheme } from './store-uri.js';

/**
 * Each backend by scheme, loaded on first use: the PostgreSQL driver (~30 ms to load) is not
 * paid by a run on the embedded default.
 */
const BACKENDS: Record<StoreScheme, () => Promise<StoreBackend>> = {
  sqlite: async () => sqliteBackend,
  postgres: async () => (await import('./postgres/index.js')).postgresBackend,
};

/** URIs of the stores to open; leave one out to open only the other. */
export interface StoreUris {
  /** The model registry, e.g. `sqlite:models/registry.sqlite`. */
  registry?: string;
  /** The prediction log, e.g. `sqlite:models/predictions.sqlite`. */
  log?: string;
}

/** How to open them. */
export interface OpenStoresOptions extends BackendOptions {
  /** Folder relative file paths in the URIs resolve against (default: the working directory). */
  base?: string;
  /** What the log is opened for (default `append`); `read` never creates or changes it. */
  logAccess?: PredictionAccess;
}

/** The stores asked for (a store not asked for is undefined), and one `close` for both. */
export interface Stores<U extends StoreUris = StoreUris> {
  registry: U extends { registry: string } ? RegistryStore : RegistryStore | undefined;
  log: U extends { log: string } ? PredictionStore : PredictionStore | undefined;
  close(): Promise<void>;
}

/**
 * Open the stores named by `uris`. An unknown scheme is a UsageError naming the key, the value
 * and the schemes allowed; when the second store fails to open, the first is closed again.
 */
export async function openStores<U extends StoreUris>(
  uris: U,
  o: OpenStoresOptions = {},
): Promise<Stores<U>> {
  const reg = uris.registry === undefined ? undefined : parseStoreUri('registry', uris.registry, o.base);
  const log = uris.log === undefined ? undefined : parseStoreUri('log', uris.log, o.base);
  const opts: BackendOptions = { busyTimeoutMs: o.busyTimeoutMs, connectTimeoutMs: o.connectTimeoutMs };
  const registry = reg ? await (await BACKENDS[reg.scheme]()).openRegistry(reg.target, opts) : undefined;
  let predictions: PredictionStore | undefined;
  try {
    if (log) {
      predictions = await (await BACKENDS[log.scheme]()).openPredictions(log.target, {
        ...opts,
        access: o.logAccess ?? 'append',
      });
    }
  } catch (e) {
    await registry?.close();
    throw e;
  }
  const close = async () => {
    await Promise.all([registry?.close(), predictions?.close()]);
  };
  return { registry, log: predictions, close } as Stores<U>;
}

/** Whether the store a URI names exists (nothing is created); `key` names it in errors. */
export async function storeExists(key: 'registry' | 'log', uri: string, base?: string): Promise<boolean> {
  const u = parseStoreUri(key, uri, base);
  return (await BACKENDS[u.scheme]()).exists(u.target, key);
}

/**
 * The registry a URI names, for a rebuild: one that cannot be read is moved aside (kept for
 * inspection, `movedAside`) and a new one created.
 */
export async function openRegistryForRebuild(
  uri: string,
  base?: string,
): Promise<{ store: RegistryStore; movedAside: string | null }> {
  const u = parseStoreUri('registry', uri, base);
  return (await BACKENDS[u.scheme]()).openRegistryForRebuild(u.target);
}

export { REGISTRY_DB_FILE, registryUriOf } from './storage-setting.js';
