/**
 * Versioned migrations, run on open. Each component of a schema (the registry, the log, the
 * log's feedback) has numbered steps; `tabflow_migrations` records the ones applied. Opening
 * takes a transaction-scoped advisory lock first, so two processes opening an empty or older
 * schema at once do not both migrate: the second waits, then finds the steps applied. DDL is
 * transactional in PostgreSQL, so a failed step leaves the schema as it was.
 */
import type pg from 'pg';
import { inTransaction, lockKey } from './connection.js';

/** One step of a component's schema. */
export interface Migration {
  version: number;
  /** What it does, recorded with it. */
  name: string;
  sql: string;
}

/** The parts of a schema that migrate on their own. */
export type Component = 'registry' | 'log' | 'feedback';

const MIGRATIONS_DDL = `
CREATE TABLE IF NOT EXISTS tabflow_migrations (
  component  text        NOT NULL,
  version    integer     NOT NULL,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (component, version)
)`;

/** What an open found and did. */
export interface MigrationResult {
  /** The component's version before (0: new). */
  from: number;
  /** Its version after: the newest step known, or a newer one another tabflow applied. */
  to: number;
  applied: number[];
}

/**
 * Bring `component` in `schema` up to its newest step, creating the schema when missing. A
 * schema a newer tabflow migrated further keeps its steps (`to` > the newest known): the
 * caller decides whether it can read it.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  component: Component,
  steps: readonly Migration[],
): Promise<MigrationResult> {
  return inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey(schema, 'migrate')]);
    // Under the lock: CREATE … IF NOT EXISTS is not safe against a concurrent creator.
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query(MIGRATIONS_DDL);
    const r = await c.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM tabflow_migrations WHERE component = $1',
      [component],
    );
    const from = r.rows[0]?.v ?? 0;
    const applied: number[] = [];
    for (const step of steps) {
      if (step.version <= from) continue;
      await c.query(step.sql);
      await c.query('INSERT INTO tabflow_migrations (component, version, name) VALUES ($1, $2, $3)', [
        component,
        step.version,
        step.name,
      ]);
      applied.push(step.version);
    }
    return { from, to: Math.max(from, ...applied), applied };
  });
}

/** The version of `component` in the pool's schema without changing anything (0: none). */
export async function versionOf(pool: pg.Pool, component: Component): Promise<number> {
  const t = await pool.query<{ t: string | null }>("SELECT to_regclass('tabflow_migrations')::text AS t");
  if (!t.rows[0]?.t) return 0;
  const r = await pool.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM tabflow_migrations WHERE component = $1',
    [component],
  );
  return r.rows[0]?.v ?? 0;
}
