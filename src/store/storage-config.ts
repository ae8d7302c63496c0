/**
 * The `storage` config section: where the registry and the prediction log live. Left out, both
 * are the embedded SQLite files of the models folder (`registry.sqlite`, `predictions.sqlite`);
 * a server URI puts them in a database every host shares (`postgres://host/db?schema=tabflow`).
 * `uri` names both stores, `registry` and `log` one each and win over `uri`. On the command line
 * `--storage <uri>` wins over the section; `TABFLOW_STORAGE_URI` is used when neither says.
 */
import { ConfigError, type Issue, TabflowError } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import {
  ARTIFACT_STORAGE_PARAMS,
  type ArtifactStorageConfig,
  resolveArtifactStorageConfig,
} from './artifacts/artifacts-config.js';
import { ownKeys } from './own-keys.js';
import { DEFAULT_STORE_WAIT_S } from './store-outage.js';
import { parseStoreUri } from './store-uri.js';

/** The `storage` config section: each key with its default and doc. */
export const STORAGE_PARAMS = {
  uri: {
    type: 'string?',
    default: null,
    doc: 'both stores, e.g. postgres://db.internal:5432/tabflow?schema=tabflow (null: SQLite files in the models folder)',
  },
  registry: {
    type: 'string?',
    default: null,
    doc: 'the model registry only (wins over uri), e.g. sqlite:models/registry.sqlite or postgres://…',
  },
  log: {
    type: 'string?',
    default: null,
    doc: 'the prediction log and feedback only (wins over uri), e.g. postgres://…?schema=tabflow_log',
  },
  wait_s: {
    type: 'number',
    default: DEFAULT_STORE_WAIT_S,
    min: 0,
    doc:
      'seconds tabflow train waits, retrying, for a registry or artifact store that cannot be reached when it ' +
      'saves, registers and publishes a run (a server restart); 0 = fail at once',
  },
} as const satisfies ParamTable;

/** The `storage` section, resolved. */
export type StorageConfig = ParamsOf<typeof STORAGE_PARAMS>;

/**
 * The `storage` section with defaults filled in; a URI with an unknown scheme or a malformed
 * server URI is a ConfigError naming the key, the value and the forms allowed.
 */
export function resolveStorageConfig(raw: unknown, prefix = 'storage'): StorageConfig {
  const cfg = resolveParams(STORAGE_PARAMS, ownKeys(raw, STORAGE_PARAMS), prefix);
  const issues: Issue[] = [];
  for (const key of ['uri', 'registry', 'log'] as const) {
    const v = cfg[key];
    if (v === null) continue;
    try {
      parseStoreUri(`${prefix}.${key}`, v);
    } catch (e) {
      if (!(e instanceof TabflowError)) throw e;
      issues.push({ path: `${prefix}.${key}`, code: 'invalid_value', message: e.message });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return cfg;
}

/** The whole `storage` section: the stores' keys and the artifact store's. */
export const STORAGE_SECTION_PARAMS = {
  ...STORAGE_PARAMS,
  ...ARTIFACT_STORAGE_PARAMS,
} as const satisfies ParamTable;

/** The whole `storage` section, resolved. */
export type StorageSectionConfig = StorageConfig & ArtifactStorageConfig;

/**
 * The whole `storage` section: an unknown key is reported against every key the section has;
 * each part then checks its own URIs.
 */
export function resolveStorageSection(raw: unknown, prefix = 'storage'): StorageSectionConfig {
  resolveParams(STORAGE_SECTION_PARAMS, raw, prefix);
  return { ...resolveStorageConfig(raw, prefix), ...resolveArtifactStorageConfig(raw, prefix) };
}
