/**
 * What a storage backend provides (one folder per backend: src/store/sqlite, src/store/postgres):
 * the two stores, opened from the part of a URI after its scheme. Only open-stores.ts picks one.
 */
import type { PredictionAccess, PredictionStore } from './prediction-store.js';
import type { RegistryStore } from './registry-store.js';

/** Options every backend understands (each ignores what does not apply to it). */
export interface BackendOptions {
  /** How long a writer waits for another's lock, ms (default 5000). */
  busyTimeoutMs?: number;
  /** How long connecting to a database server may take, ms (default 5000; embedded files ignore it). */
  connectTimeoutMs?: number;
}

/** One storage backend, named by its URI scheme. */
export interface StoreBackend {
  readonly scheme: string;
  /** The registry at `target`, created when missing. */
  openRegistry(target: string, o: BackendOptions): Promise<RegistryStore>;
  /**
   * The registry at `target` for a rebuild: one that cannot be read is moved aside (kept for
   * inspection) and a new, empty one created in its place.
   */
  openRegistryForRebuild(target: string): Promise<{ store: RegistryStore; movedAside: string | null }>;
  /** The prediction log at `target`, opened for `access`. */
  openPredictions(target: string, o: BackendOptions & { access: PredictionAccess }): Promise<PredictionStore>;
  /** Whether the registry or the log exists at `target` (nothing is created). */
  exists(target: string, what: 'registry' | 'log'): Promise<boolean>;
}
