/**
 * A PostgreSQL connection the server ends while it is checked out — between two statements of a
 * transaction, as a restart's fast shutdown or pg_terminate_backend does — never crashes the
 * process (pg emits `error` on a client with no statement running: unhandled, that is an uncaught
 * exception); the next statement on it reports the failure, and the pool serves the next caller
 * on a new connection. Through the registry's checked pool, the failure is `store_unavailable`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { openPgPool } from '../../src/store/artifacts/postgres/pool.js';
import { checkedPool } from '../../src/store/postgres/checked-pool.js';
import { openPool, parsePgTarget } from '../../src/store/postgres/connection.js';
import { isStoreUnavailable } from '../../src/store/store-outage.js';
import { pgQuery } from '../helpers/pg-schema.js';
import { PG_URL, postgresMissing } from '../helpers/postgres.js';

const skip = await postgresMissing();

/** End the server side of a checked-out client, and let its `error` event fire. */
async function cut(c: { query: (sql: string) => Promise<{ rows: { pid: number }[] }> }): Promise<void> {
  const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  await pgQuery('SELECT pg_terminate_backend($1)', [pid]);
  await sleep(200);
}

async function survives(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  await cut(c);
  await assert.rejects(c.query('SELECT 1'));
  c.release();
  assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1, 'the pool reconnects');
}

describe('a checked-out PostgreSQL connection ended by the server', { skip }, () => {
  it('the stores pool: no crash, the next statement fails, the pool serves the next query', async () => {
    const pool = openPool(parsePgTarget(`${PG_URL}?schema=public`));
    try {
      await survives(pool);
    } finally {
      await pool.end();
    }
  });

  it('the artifact store pool: the same', async () => {
    const { pool } = await openPgPool('storage.artifacts', PG_URL);
    try {
      await survives(pool);
    } finally {
      await pool.end();
    }
  });

  it('through the registry checked pool: store_unavailable naming the store, the connection dropped', async () => {
    const t = parsePgTarget(`${PG_URL}?schema=public`);
    const raw = openPool(t);
    const pool = checkedPool(raw, 'registry', t.location);
    try {
      const c = await pool.connect();
      await cut(c as never);
      await assert.rejects(c.query('SELECT 1', []), (e: unknown) => {
        assert.ok(isStoreUnavailable(e), String(e));
        assert.match(
          (e as Error).message,
          /^Cannot reach the model registry store postgres:\/\/.*schema=public: /,
        );
        return true;
      });
      c.release();
      assert.equal(raw.totalCount, 0, 'the broken connection is not kept');
      const again = await pool.connect();
      assert.deepEqual((await again.query<{ one: number }>('SELECT 1 AS one', [])).rows, [{ one: 1 }]);
      again.release();
    } finally {
      await pool.end();
    }
  });
});
