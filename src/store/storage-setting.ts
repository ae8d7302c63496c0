/**
 * The process's storage setting: which URI the registry and the prediction log of a models folder
 * default to. A composition root sets it once (the CLI from `--storage`, the `storage` section
 * and the environment; a library user with `useStorage`); `TABFLOW_STORAGE_URI` counts when
 * nothing was set. With none of them, each store is the SQLite file of the models folder, as
 * always. Kept here, rather than threaded through every call, because a dozen commands and
 * library entry points open a models folder's stores (`registryUriOf`, `logUriOf`) and must all
 * agree on where they are — as the actor does with TABFLOW_ACTOR.
 */
import { join } from 'node:path';
import { parseStoreUri } from './store-uri.js';

/** The environment variable naming both stores when nothing else does. */
export const STORAGE_ENV = 'TABFLOW_STORAGE_URI';

/** The registry file's name in a models root (the default registry store). */
export const REGISTRY_DB_FILE = 'registry.sqlite';

/** URIs for the stores; a store left out keeps its default. */
export interface StorageSetting {
  /** Both stores. */
  uri?: string | null;
  /** The registry only (wins over `uri`). */
  registry?: string | null;
  /** The log only (wins over `uri`). */
  log?: string | null;
}

/** The names the setting's values were given under, for errors (default: the config keys). */
export interface StorageNames {
  uri?: string;
  registry?: string;
  log?: string;
}

let current: { registry?: string; log?: string } = {};

/**
 * Set the process's storage: each URI is checked (a UsageError names `names`' key, the value and
 * the forms allowed) before anything changes. An empty setting restores the defaults.
 */
export function useStorage(s: StorageSetting, names: StorageNames = {}): void {
  const pick = (key: 'registry' | 'log') => {
    const own = s[key];
    if (own) return { value: own, name: names[key] ?? `storage.${key}` };
    return s.uri ? { value: s.uri, name: names.uri ?? 'storage.uri' } : undefined;
  };
  const next: { registry?: string; log?: string } = {};
  for (const key of ['registry', 'log'] as const) {
    const p = pick(key);
    if (!p) continue;
    parseStoreUri(p.name, p.value);
    next[key] = p.value;
  }
  current = next;
}

/** The URI the setting (or TABFLOW_STORAGE_URI) gives `key`, or undefined for the embedded default. */
export function configuredStore(key: 'registry' | 'log'): string | undefined {
  const own = current[key];
  if (own) return own;
  const env = process.env[STORAGE_ENV];
  if (!env) return undefined;
  parseStoreUri(STORAGE_ENV, env);
  return env;
}

/** The registry of a models root: the storage setting's, else `sqlite:<root>/registry.sqlite`. */
export function registryUriOf(root: string): string {
  return configuredStore('registry') ?? `sqlite:${join(root, REGISTRY_DB_FILE)}`;
}

/**
 * The prediction log a models folder uses: the storage setting's URI, else `defaultFile` (its
 * `predictions.sqlite`) unchanged. The log's openers take either.
 */
export function logStoreOf(defaultFile: string): string {
  return configuredStore('log') ?? defaultFile;
}
