/**
 * A PostgreSQL connection pool for the artifact store, from a URI:
 * `postgres://user@host:5432/db?schema=tabflow` (also `postgresql://`). `schema` is tabflow's own
 * parameter (PostgreSQL has none of that name), so it is taken out before the rest goes to pg;
 * the password comes from PGPASSWORD or ~/.pgpass, as for psql, never from a config file.
 */
import pg from 'pg';
import { ArtifactError, UsageError } from '../../../core/errors.js';
import { redact } from '../../store-uri.js';

/** A pool and the schema its tables live in. */
export interface PgTarget {
  pool: pg.Pool;
  /** The schema, quoted for SQL. */
  schema: string;
  /** The URI without a password, for messages. */
  location: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema named by `?schema=` (default `public`) and the URI pg gets (without it). */
export function parsePgUri(
  key: string,
  uri: string,
): { connectionString: string; schema: string; location: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new UsageError(
      'bad_store_uri',
      `${key} ${JSON.stringify(redact(uri))} is not a URL: expected postgres://user@host:5432/db?schema=<name>`,
    );
  }
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!SCHEMA.test(schema)) {
    throw new UsageError(
      'bad_store_uri',
      `${key} has schema=${JSON.stringify(schema)}: expected 1-63 lower-case letters, digits or "_", ` +
        'not starting with a digit (e.g. ?schema=tabflow)',
    );
  }
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema, location: redact(uri) };
}

/** Open a pool for `uri` and check it connects (a wrong host fails here, naming the store). */
export async function openPgPool(key: string, uri: string): Promise<PgTarget> {
  const { connectionString, schema, location } = parsePgUri(key, uri);
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 10_000 });
  // A client that loses its server, idle or checked out between two statements of a put, must
  // not crash the process; the next statement reports it (store_unavailable).
  pool.on('error', () => {});
  pool.on('connect', (c) => c.on('error', () => {}));
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new ArtifactError(
      'artifact_store_open',
      `Cannot open the artifact store ${location}: ${(e as Error).message}. Check the host, port, ` +
        'database and user in the URI, and the password in PGPASSWORD or ~/.pgpass',
    );
  }
  return { pool, schema: `"${schema}"`, location };
}
