/**
 * PostgreSQL for the artifact-store tests, on the server of helpers/postgres.ts: `pgSkip` is its
 * skip reason (an error under TABFLOW_REQUIRE_SERVICES=1), and `freshSchema(t)` a schema dropped
 * with the test context that asked for it.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { PG_URL, postgresMissing } from './postgres.js';

/** The `skip` option of a PostgreSQL test: false when the server answers, else the reason. */
export const pgSkip = postgresMissing;

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
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  return { schema, uri: url.toString() };
}
