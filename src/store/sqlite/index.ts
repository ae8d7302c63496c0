/**
 * The SQLite backend: the registry (kysely over better-sqlite3) and the prediction log (prepared
 * statements), one file each. The only folder of src/ that imports better-sqlite3.
 */
import { existsSync, renameSync } from 'node:fs';
import { DataError } from '../../core/errors.js';
import type { StoreBackend } from '../backend.js';
import { SqlitePredictionStore } from './prediction-store.js';
import { SqliteRegistryStore } from './registry-store.js';

export { type SqlitePredictionOptions, SqlitePredictionStore } from './prediction-store.js';
export { SqliteRegistryStore, type SqliteStoreOptions } from './registry-store.js';

/** `sqlite:<file>`: the target is a file path (or `:memory:`). */
export const sqliteBackend: StoreBackend = {
  scheme: 'sqlite',
  async openRegistry(file, o) {
    return new SqliteRegistryStore(file, o);
  },
  async openRegistryForRebuild(file) {
    try {
      return { store: new SqliteRegistryStore(file), movedAside: null };
    } catch (e) {
      if (!(e instanceof DataError) || e.code !== 'registry_open') throw e;
    }
    // Unreadable: keep it (with its -wal and -shm) for inspection, start a new file.
    const aside = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    }
    return { store: new SqliteRegistryStore(file), movedAside: aside };
  },
  async openPredictions(file, o) {
    return new SqlitePredictionStore(file, o);
  },
  async exists(file, _what) {
    return file === ':memory:' || existsSync(file);
  },
};
