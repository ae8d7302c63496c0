/**
 * A server whose registry and prediction log live in PostgreSQL, through an outage: `/ready`
 * answers 503 naming the unreachable stores while predictions are still answered, and 200 again
 * by itself once the server is back. Stops the machine's PostgreSQL, so it runs only when asked
 * (TABFLOW_TEST_PG_OUTAGE=1: .ci/run runs it alone after `npm test`, since any other PostgreSQL
 * test running beside it would fail), and always starts it again, whatever happens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStores, startServer, useStorage } from '../../src/index.js';
import { dropSchemas, ensurePostgres, freshSchema, pgctl, postgresMissing } from '../helpers/postgres.js';
import { trainInto } from '../registry/fixture.js';
import { concreteRecords } from './model-fixture.js';

// Only on request, never inside `npm test` (CI's TABFLOW_REQUIRE_SERVICES=1 alone would run it
// beside the other PostgreSQL tests, which fail while it is down).
const skip =
  process.env.TABFLOW_TEST_PG_OUTAGE === '1'
    ? await postgresMissing()
    : 'stops PostgreSQL: set TABFLOW_TEST_PG_OUTAGE=1 (.ci/run runs it alone after npm test)';

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function predict(url: string): Promise<number> {
  const r = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(concreteRecords(2)),
  });
  await r.arrayBuffer();
  return r.status;
}

describe('serving through a PostgreSQL outage', { skip, timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  after(async () => {
    await ensurePostgres();
    await server?.close();
    useStorage({});
    await dropSchemas();
  });

  it('/ready is 503 naming the stores while PostgreSQL is down, predictions still answered, 200 once it is back', async () => {
    const { uri } = freshSchema();
    useStorage({ uri });
    const root = join(mkdtempSync(join(tmpdir(), 'tabflow-pg-outage-')), 'models');
    await trainInto(root, ['ridge']);
    server = await startServer({ modelsDir: root, port: 0, signals: [] });
    const up = await get(`${server.url}/ready`);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.deepEqual(up.body.stores, { log: { ok: true }, registry: { ok: true } });
    assert.equal(await predict(server.url), 200);
    try {
      pgctl('stop');
      const down = await get(`${server.url}/ready`);
      assert.equal(down.status, 503);
      assert.equal(down.body.reason, 'store unavailable: log, registry');
      const stores = down.body.stores as Record<string, { ok: boolean; error?: string }>;
      assert.match(
        stores.log.error ?? '',
        /Cannot reach the prediction log store postgres:\/\/.*schema=tabflow_t_/,
      );
      assert.match(stores.registry.error ?? '', /Cannot reach the model registry store/);
      assert.equal(await predict(server.url), 200, 'serving goes on; the log keeps the rows in its buffer');
    } finally {
      await ensurePostgres();
    }
    let back = await get(`${server.url}/ready`);
    for (let i = 0; i < 50 && back.status !== 200; i++) {
      await sleep(200);
      back = await get(`${server.url}/ready`);
    }
    assert.equal(back.status, 200, JSON.stringify(back.body));
    // The rows answered during the outage reach the log once it is back.
    await server.log?.flush();
    assert.equal(server.log?.droppedCount, 0);
    const stores = await openStores({ log: uri }, { logAccess: 'read' });
    assert.equal((await stores.log.summary()).rows, 4, 'both requests of two rows are logged');
    await stores.close();
  });
});
