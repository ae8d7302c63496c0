/**
 * The artifact store's keys of the `storage` config section: where runs are published
 * (`storage.artifacts`), where a serving host caches what it fetches (`storage.artifact_cache`),
 * and whether a run's training data goes with it (`storage.publish_data`). A URI's password is
 * refused here: the resolved config is recorded in every run's config.yaml, so the password
 * belongs in PGPASSWORD or ~/.pgpass.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type Issue, TabflowError } from '../../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../../core/params.js';
import { ownKeys } from '../own-keys.js';
import { parseArtifactStoreUri } from './open-artifact-store.js';

/** The artifact store's parameters of the `storage` section. */
export const ARTIFACT_STORAGE_PARAMS = {
  artifacts: {
    type: 'string?',
    default: null,
    doc:
      'artifact store URI: file:<folder> or postgres://user@host:5432/db?schema=<name> (password in ' +
      'PGPASSWORD or ~/.pgpass); null = the models folder itself (output.dir), nothing published elsewhere',
  },
  artifact_cache: {
    type: 'string?',
    default: null,
    doc: 'folder where a serving host keeps the runs it fetched from storage.artifacts (null = ~/.cache/tabflow/artifacts)',
  },
  publish_data: {
    type: 'boolean',
    default: true,
    doc:
      "publish each run's training data file with the run (one blob per distinct file, by sha256), so a host " +
      "without the file (a serving node's /admin/promote) can rebuild the run's held-out rows for the gate; " +
      'false keeps training data on the training host (promote from there)',
  },
} as const satisfies ParamTable;

/** The artifact store's keys, resolved. */
export type ArtifactStorageConfig = ParamsOf<typeof ARTIFACT_STORAGE_PARAMS>;

/** Resolve the artifact keys of `storage`: defaults filled, a bad URI or a password an issue. */
export function resolveArtifactStorageConfig(raw: unknown, path = 'storage'): ArtifactStorageConfig {
  const cfg = resolveParams(ARTIFACT_STORAGE_PARAMS, ownKeys(raw, ARTIFACT_STORAGE_PARAMS), path);
  const issues: Issue[] = [];
  const uri = cfg.artifacts;
  if (uri !== null) {
    const key = `${path}.artifacts`;
    try {
      parseArtifactStoreUri(key, uri);
    } catch (e) {
      if (!(e instanceof TabflowError)) throw e;
      issues.push({ path: key, code: 'invalid_value', message: e.message });
    }
    if (/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(uri)) {
      issues.push({
        path: key,
        code: 'invalid_value',
        message:
          `${key} carries a password: it is not allowed, because the config is recorded in every run's ` +
          'config.yaml; leave it out of the URI and set PGPASSWORD or a ~/.pgpass line instead',
      });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return cfg;
}

/** The cache folder of a serving host: `storage.artifact_cache`, else ~/.cache/tabflow/artifacts. */
export function artifactCacheDir(cfg: Pick<ArtifactStorageConfig, 'artifact_cache'>): string {
  return (
    cfg.artifact_cache ??
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tabflow', 'artifacts')
  );
}
