/**
 * The artifact store's tables in PostgreSQL, created and brought up to date on open. Each
 * migration runs once, in order, under a transaction-scoped advisory lock (two hosts opening a
 * new store at once take turns); the version reached is kept in `artifact_store_meta`. A store
 * written by a newer tabflow is refused rather than guessed at.
 *
 *   artifact_blobs   sha256 → size, the upload holding its bytes, its chunk count
 *   artifact_chunks  (upload, idx) → up to CHUNK_BYTES of bytea: large models stream in pieces
 *   artifact_refs    name → sha256 (run/<run-id> → the run's manifest), written once
 */
import type pg from 'pg';
import { ArtifactError } from '../../../core/errors.js';

/** The layout this tabflow writes and reads. */
export const ARTIFACT_SCHEMA_VERSION = 1;

/** Migration n brings the schema from version n to n + 1 (`s` is the quoted schema). */
const MIGRATIONS: ((s: string) => string)[] = [
  (s) => `
    CREATE TABLE ${s}.artifact_blobs (
      sha256 char(64) PRIMARY KEY,
      bytes bigint NOT NULL,
      upload bigint NOT NULL UNIQUE,
      chunks integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE ${s}.artifact_chunks (
      upload bigint NOT NULL,
      idx integer NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (upload, idx));
    CREATE SEQUENCE ${s}.artifact_upload_seq;
    CREATE TABLE ${s}.artifact_refs (
      name text PRIMARY KEY,
      sha256 char(64) NOT NULL REFERENCES ${s}.artifact_blobs (sha256),
      created_at timestamptz NOT NULL DEFAULT now());`,
];

/** Create the schema's tables or bring them up to date; `location` names the store in errors. */
export async function migrate(pool: pg.Pool, schema: string, location: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tabflow-artifacts:${schema}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.artifact_store_meta (key text PRIMARY KEY, value text NOT NULL)`,
    );
    const r = await c.query(`SELECT value FROM ${schema}.artifact_store_meta WHERE key = 'schema_version'`);
    const at = r.rows.length ? Number(r.rows[0].value) : 0;
    if (at > ARTIFACT_SCHEMA_VERSION) {
      throw new ArtifactError(
        'artifact_store_newer',
        `${location} has artifact schema version ${at}; this tabflow reads up to ${ARTIFACT_SCHEMA_VERSION}: upgrade tabflow`,
      );
    }
    for (let v = at; v < ARTIFACT_SCHEMA_VERSION; v++) await c.query(MIGRATIONS[v](schema));
    await c.query(
      `INSERT INTO ${schema}.artifact_store_meta (key, value) VALUES ('schema_version', $1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(ARTIFACT_SCHEMA_VERSION)],
    );
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}
