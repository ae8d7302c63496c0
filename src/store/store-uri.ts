/**
 * Store URIs: `<scheme>:<where>`. `sqlite:models/registry.sqlite` (a file path, relative to a
 * base folder) or `sqlite::memory:`; `postgres://user@host:5432/db?schema=tabflow` (also
 * `postgresql://`; `schema` is tabflow's parameter, default `tabflow`, the rest is the driver's).
 * The scheme picks the backend (src/store/open-stores.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

/** Backends in this tabflow, each named by its scheme. */
export const STORE_SCHEMES = ['sqlite', 'postgres'] as const;
/** A backend: the part of a store URI before the first colon (`postgresql` reads as `postgres`). */
export type StoreScheme = (typeof STORE_SCHEMES)[number];

/** Other spellings of a scheme. */
const ALIASES: Record<string, StoreScheme> = { postgresql: 'postgres' };

/** How each scheme's URIs look, for the errors. */
const FORMS: Record<StoreScheme, string> = {
  sqlite: 'sqlite:<file>',
  postgres: 'postgres://[user[:password]@]host[:port]/database[?schema=name]',
};

/** A parsed store URI. */
export interface StoreUri {
  scheme: StoreScheme;
  /** What the backend opens: for sqlite an absolute file path or `:memory:`, for postgres the URI. */
  target: string;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;
/** The schema of a `postgres://` store URI without `?schema=`. */
export const DEFAULT_PG_SCHEMA = 'tabflow';

/** The schema a checked `postgres://` store URI names (its `?schema=`, else DEFAULT_PG_SCHEMA). */
export function postgresSchemaOf(uri: string): string {
  return new URL(uri).searchParams.get('schema') ?? DEFAULT_PG_SCHEMA;
}

/** A PostgreSQL schema tabflow accepts (an unquoted identifier; store/postgres repeats it). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Parse `uri` given for `key` (`registry`, `log`, or a setting's name): an unknown scheme, a
 * missing path or a malformed server URI is a UsageError naming the key, the value and what is
 * allowed. Relative file paths resolve against `base`.
 */
export function parseStoreUri(key: string, uri: string, base = process.cwd()): StoreUri {
  const m = SCHEME.exec(uri);
  const raw = m?.[1].toLowerCase() ?? '';
  const scheme = ALIASES[raw] ?? raw;
  if (!m || !(STORE_SCHEMES as readonly string[]).includes(scheme)) {
    throw new UsageError(
      'unknown_store',
      `${key} store ${JSON.stringify(uri)} is not allowed: ` +
        (m ? `its scheme "${raw}:" has no backend` : 'it has no scheme') +
        `; allowed: ${Object.values(FORMS).join(', ')}, e.g. sqlite:models/${key === 'log' ? 'predictions' : 'registry'}.sqlite ` +
        'or postgres://127.0.0.1:5432/tabflow',
    );
  }
  if (scheme === 'postgres') return { scheme, target: checkServerUri(key, uri) };
  const rest = uri.slice(m[0].length);
  if (rest === '') {
    throw new UsageError(
      'bad_store_uri',
      `${key} store ${JSON.stringify(uri)} names no file: expected sqlite:<file>, e.g. sqlite:models/registry.sqlite`,
    );
  }
  const target = rest === ':memory:' || isAbsolute(rest) ? rest : resolve(base, rest);
  return { scheme: 'sqlite', target };
}

/** A postgres URI with a host, a database and a schema tabflow can use, as `postgres://…`. */
function checkServerUri(key: string, uri: string): string {
  const bad = (why: string) =>
    new UsageError(
      'bad_store_uri',
      `${key} store ${JSON.stringify(redact(uri))} ${why}: expected ${FORMS.postgres}, e.g. postgres://127.0.0.1:5432/tabflow?schema=tabflow`,
    );
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw bad('is not a URI');
  }
  if (!url.hostname) throw bad('names no host');
  if (url.pathname.length <= 1) throw bad('names no database');
  const schema = url.searchParams.get('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw bad(
      `has schema ${JSON.stringify(schema)}, not 1-63 lower-case letters, digits and _ (not starting with a digit)`,
    );
  }
  url.protocol = 'postgres:';
  return url.toString();
}

/** `uri` without its password, for messages. */
export function redact(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** A store URI for `pathOrUri`: a string with a scheme is kept, a plain path is an SQLite file. */
export function storeUriOf(pathOrUri: string): string {
  return SCHEME.test(pathOrUri) ? pathOrUri : `sqlite:${pathOrUri}`;
}

/** A command-line store argument: a URI as given, a file path made absolute. */
export function pathOrUri(arg: string): string {
  return SCHEME.test(arg) ? arg : resolve(arg);
}
