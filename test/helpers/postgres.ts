/**
 * The PostgreSQL server the store tests run against: TABFLOW_TEST_POSTGRES, default
 * postgres://<user>@127.0.0.1:5432/test (trust auth, as on the CI machines and the dev boxes).
 * Unreachable, the tests skip with the reason — unless TABFLOW_REQUIRE_SERVICES=1 (set by
 * .ci/run), where its absence fails. Each test works in a fresh random schema, dropped after.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
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

/**
 * The machine's PostgreSQL cluster (15/main), for the outage tests that stop or restart it: they
 * run only when asked (TABFLOW_TEST_PG_OUTAGE=1), alone, and always start it again.
 */
export function pgctl(action: 'start' | 'stop' | 'restart'): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', action], { stdio: 'pipe' });
}

/** `pg_ctlcluster … restart` without blocking the event loop (the run under test goes on). */
export function pgRestart(): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'restart'], (e) =>
      e ? reject(e) : resolve(),
    ),
  );
}

/** Start PostgreSQL unless it runs, and wait until it accepts connections. */
export async function ensurePostgres(): Promise<void> {
  try {
    pgctl('start');
  } catch {
    // Already running: pg_ctlcluster refuses to start it twice.
  }
  for (let i = 0; i < 100 && (await postgresMissing().catch(() => 'down')); i++) await sleep(200);
}

/** Resolve once the server refuses connections (a stop or restart under way); false after `ms`. */
export async function postgresGone(ms = 10_000): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await postgresMissing().catch(() => 'down')) return true;
    await sleep(20);
  }
  return false;
}
