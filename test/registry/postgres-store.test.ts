import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openStores, PostgresRegistryStore, storeExists } from '../../src/internal.js';
import { adminQuery, dropSchemas, freshSchema, postgresMissing } from '../helpers/postgres.js';
import { storeConformance, version } from './store-conformance.js';

const skip = await postgresMissing();

describe('PostgresRegistryStore', { skip }, () => {
  after(dropSchemas);

  storeConformance(() => PostgresRegistryStore.open(freshSchema().uri));

  it('keeps its records across connections, and a second connection numbers after the first', async () => {
    const { uri } = freshSchema();
    const a = await PostgresRegistryStore.open(uri);
    const b = await PostgresRegistryStore.open(uri);
    try {
      await a.writeTransaction(() => a.insertVersion(version('r1')));
      assert.equal((await b.getVersion(1))!.run_id, 'r1');
      assert.equal(await b.writeTransaction(() => b.insertVersion(version('r2'))), 2);
    } finally {
      await a.close();
      await b.close();
    }
    const again = await PostgresRegistryStore.open(uri);
    assert.deepEqual(
      (await again.listVersions()).map((v) => v.run_id),
      ['r1', 'r2'],
    );
    await again.close();
  });

  it('a writer waiting on another connection gets the lock once the first commits', async () => {
    const { uri } = freshSchema();
    const a = await PostgresRegistryStore.open(uri);
    const b = await PostgresRegistryStore.open(uri);
    try {
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = a.writeTransaction(async () => {
        await a.insertVersion(version('r1'));
        await held;
        order.push('first');
      });
      await new Promise((r) => setTimeout(r, 50));
      const second = b.writeTransaction(async () => {
        order.push('second');
        return b.insertVersion(version('r2'));
      });
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(order, [], 'b waits for the advisory lock a holds');
      release();
      await first;
      assert.equal(await second, 2);
      assert.deepEqual(order, ['first', 'second']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('migrates on open once: the steps are recorded, a second open applies none', async () => {
    const { uri, schema } = freshSchema();
    assert.equal(await storeExists('registry', uri), false, 'nothing created by asking');
    const opens = await Promise.all([1, 2, 3].map(() => PostgresRegistryStore.open(uri)));
    await Promise.all(opens.map((s) => s.close()));
    assert.equal(await storeExists('registry', uri), true);
    const s = await openStores({ registry: uri.replace('postgres:', 'postgresql:') });
    assert.equal(s.registry.location.includes(`schema=${schema}`), true);
    await s.close();
    await adminQuery(
      `INSERT INTO ${schema}.tabflow_migrations (component, version, name) VALUES ('registry', 99, 'future')`,
    );
    await assert.rejects(
      () => PostgresRegistryStore.open(uri),
      /has schema version 99; this tabflow reads up to 1/,
    );
  });

  it('names the store and what to check when the server cannot be reached, without a stack trace', async () => {
    await assert.rejects(
      () =>
        openStores(
          { registry: 'postgres://nobody:secret@127.0.0.1:1/test?schema=x' },
          { connectTimeoutMs: 1000 },
        ),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'store_unavailable');
        assert.match(
          e.message,
          /Cannot reach the model registry store postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/test\?schema=x/,
        );
        assert.doesNotMatch(e.message, /secret/);
        assert.match(e.message, /storage\.uri, storage\.registry, --storage or TABFLOW_STORAGE_URI/);
        return true;
      },
    );
  });
});
