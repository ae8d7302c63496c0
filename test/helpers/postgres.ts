/**
 * PostgreSQL for the tests: the server in TABFLOW_TEST_POSTGRES (default
 * postgres://<PGUSER or the OS user>@127.0.0.1:5432/test, trust auth), each test in a fresh
 * random schema dropped after it. When the server cannot be reached the PostgreSQL tests skip
 * with the reason, unless TABFLOW_REQUIRE_SERVICES=1 (CI), where they fail instead.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { TestContext } from 'node:test';
import pg from 'pg';

/** The test server's URI (no schema). */
export const PG_URL =
  process.env.TABFLOW_TEST_POSTGRES ||
  `postgres://${encodeURIComponent(process.env.PGUSER || userInfo().username)}@127.0.0.1:5432/test`;

const REQUIRED = process.env.TABFLOW_REQUIRE_SERVICES === '1';

let probe: Promise<string | null> | undefined;

/** Null when the server answers, else why not. */
function unreachable(): Promise<string | null> {
  probe ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return null;
    } catch (e) {
      return `PostgreSQL at ${PG_URL} is unreachable (${(e as Error).message}); set TABFLOW_TEST_POSTGRES`;
    } finally {
      await c.end().catch(() => {});
    }
  })();
  return probe;
}

/**
 * The `skip` option of a PostgreSQL test: false when the server answers, else the reason (or,
 * with TABFLOW_REQUIRE_SERVICES=1, an error).
 */
export async function pgSkip(): Promise<string | false> {
  const why = await unreachable();
  if (why === null) return false;
  if (REQUIRED) throw new Error(`${why} — and TABFLOW_REQUIRE_SERVICES=1 requires it`);
  return why;
}

/** Run SQL on the test server. */
export async function pgQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await c.query(sql, values);
  } finally {
    await c.end();
  }
}

/** A fresh schema name for one test, dropped (with everything in it) when the test ends. */
export function freshSchema(t: TestContext): { schema: string; uri: string } {
  const schema = `tabflow_test_${randomBytes(6).toString('hex')}`;
  t.after(() => pgQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  const sep = PG_URL.includes('?') ? '&' : '?';
  return { schema, uri: `${PG_URL}${sep}schema=${schema}` };
}
