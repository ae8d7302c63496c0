/**
 * The one place an artifact store is chosen, by URI: `file:<folder>` (relative to a base
 * folder; `file:///abs/path` too) or `postgres://user@host:5432/db?schema=<name>`
 * (`postgresql://` too). An unknown scheme names the key, the value and the schemes allowed.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../core/errors.js';
import { redact } from '../store-uri.js';
import type { ArtifactStore } from './artifact-store.js';
import { FileArtifactStore } from './file/file-store.js';

/** Schemes an artifact store URI may have. */
export const ARTIFACT_STORE_SCHEMES = ['file', 'postgres', 'postgresql'] as const;

/** A parsed artifact store URI. */
export type ArtifactStoreTarget = { scheme: 'file'; path: string } | { scheme: 'postgres'; uri: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/** Parse `uri` given for `key`; relative `file:` paths resolve against `base`. */
export function parseArtifactStoreUri(key: string, uri: string, base = process.cwd()): ArtifactStoreTarget {
  const scheme = SCHEME.exec(uri)?.[1].toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { scheme: 'postgres', uri };
  if (scheme === 'file') {
    const rest = uri.startsWith('file://') ? fileURLToPath(uri) : uri.slice('file:'.length);
    if (rest === '') {
      throw new UsageError(
        'bad_store_uri',
        `${key} ${JSON.stringify(uri)} names no folder: expected file:<folder>, e.g. file:/srv/tabflow-artifacts`,
      );
    }
    return { scheme: 'file', path: isAbsolute(rest) ? rest : resolve(base, rest) };
  }
  throw new UsageError(
    'unknown_store',
    `${key} ${JSON.stringify(redact(uri))} is not allowed: ` +
      (scheme ? `its scheme "${scheme}:" has no artifact store` : 'it has no scheme') +
      '; allowed: file:<folder>, postgres://user@host:5432/db?schema=<name>',
  );
}

/** Open the artifact store `uri` names (created or migrated when needed). */
export async function openArtifactStore(
  uri: string,
  o: { base?: string; key?: string } = {},
): Promise<ArtifactStore> {
  const key = o.key ?? 'storage.artifacts';
  const t = parseArtifactStoreUri(key, uri, o.base);
  if (t.scheme === 'file') return FileArtifactStore.open(t.path);
  // Loaded on first use: a run on the embedded default never loads the PostgreSQL driver.
  const { PgArtifactStore } = await import('./postgres/pg-store.js');
  return PgArtifactStore.open(t.uri, key);
}

/**
 * Whether `uri` names the models folder itself (the default: runs stay in <root>/runs and are
 * published nowhere else): null, or `file:` of that folder.
 */
export function isModelsFolderStore(
  uri: string | null | undefined,
  modelsRoot: string,
  base?: string,
): boolean {
  if (uri === null || uri === undefined) return true;
  const t = parseArtifactStoreUri('storage.artifacts', uri, base);
  return t.scheme === 'file' && resolve(t.path) === resolve(modelsRoot);
}
