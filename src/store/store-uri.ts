/**
 * Store URIs: `<scheme>:<where>`, e.g. `sqlite:models/registry.sqlite` (a file path, relative to
 * a base folder) or `sqlite::memory:`. The scheme picks the backend (src/store/open-stores.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

/** Schemes with a backend in this tabflow. */
export const STORE_SCHEMES = ['sqlite'] as const;
/** A scheme with a backend: the part of a store URI before the first colon. */
export type StoreScheme = (typeof STORE_SCHEMES)[number];

/** Schemes named in errors as coming, so a user of one knows it is not a typo. */
const PLANNED = ['postgres'];

/** A parsed store URI. */
export interface StoreUri {
  scheme: StoreScheme;
  /** What the backend opens: for sqlite an absolute file path, or `:memory:`. */
  target: string;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * Parse `uri` given for `key` (`registry`, `log`): an unknown scheme or a missing path is a
 * UsageError naming the key, the value and the schemes allowed. Relative file paths resolve
 * against `base`.
 */
export function parseStoreUri(key: string, uri: string, base = process.cwd()): StoreUri {
  const m = SCHEME.exec(uri);
  const scheme = m?.[1].toLowerCase();
  if (!m || !(STORE_SCHEMES as readonly string[]).includes(scheme ?? '')) {
    throw new UsageError(
      'unknown_store',
      `${key} store ${JSON.stringify(uri)} is not allowed: ` +
        (m ? `its scheme "${scheme}:" has no backend` : 'it has no scheme') +
        `; allowed: ${STORE_SCHEMES.map((s) => `${s}:<file>`).join(', ')} ` +
        `(${PLANNED.map((s) => `${s}:`).join(', ')} planned), e.g. sqlite:models/${key === 'log' ? 'predictions' : 'registry'}.sqlite`,
    );
  }
  const rest = uri.slice(m[0].length);
  if (rest === '') {
    throw new UsageError(
      'bad_store_uri',
      `${key} store ${JSON.stringify(uri)} names no file: expected sqlite:<file>, e.g. sqlite:models/registry.sqlite`,
    );
  }
  const target = rest === ':memory:' || isAbsolute(rest) ? rest : resolve(base, rest);
  return { scheme: scheme as StoreScheme, target };
}

/** A store URI for `pathOrUri`: a string with a scheme is kept, a plain path is an SQLite file. */
export function storeUriOf(pathOrUri: string): string {
  return SCHEME.test(pathOrUri) ? pathOrUri : `sqlite:${pathOrUri}`;
}
