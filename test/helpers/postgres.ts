/**
 * The PostgreSQL server the store tests run against: TABFLOW_TEST_POSTGRES, default
 * postgres://<user>@127.0.0.1:5432/test (trust auth, as on the CI machines and the dev boxes).
 * Unreachable, the tests skip with the reason — unless TABFLOW_REQUIRE_SERVICES=1 (set by
 * .ci/run), where its absence fails. Each test works in a fresh random schema, dropped after.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

/** The server's URI without a schema. */
export const PG_URL =
  process.env.TABFLOW_TEST_POSTGRES ?? `postgres://${userInfo().username}@127.0.0.1:5432/test`;

/** Why the PostgreSQL tests cannot run here, or false when they can. */
export async function postgresMissing(): Promise<string | false> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return false;
  } catch (e) {
    const why = `PostgreSQL at ${PG_URL} is unreachable (${(e as Error).message}); start it: pg_ctlcluster --skip-systemctl-redirect 15 main start`;
    if (process.env.TABFLOW_REQUIRE_SERVICES === '1') throw new Error(`${why} — TABFLOW_REQUIRE_SERVICES=1`);
    return why;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Run SQL on the server (outside any schema), e.g. to drop a test's schema. */
export async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Schemas handed out by `freshSchema` and not dropped yet. */
const made = new Set<string>();

/** A new schema name and the store URI naming it (nothing is created until a store opens it). */
export function freshSchema(): { schema: string; uri: string } {
  const schema = `tabflow_t_${randomBytes(6).toString('hex')}`;
  made.add(schema);
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  return { schema, uri: url.toString() };
}

/** Drop every schema `freshSchema` handed out (call in `after`). */
export async function dropSchemas(): Promise<void> {
  const names = [...made];
  made.clear();
  if (names.length) await adminQuery(`DROP SCHEMA IF EXISTS ${names.join(', ')} CASCADE`);
}
