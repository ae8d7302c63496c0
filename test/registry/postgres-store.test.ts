import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openStores, PostgresRegistryStore, storeExists } from '../../src/internal.js';
import { openPool, parsePgTarget } from '../../src/store/postgres/connection.js';
import { migrate } from '../../src/store/postgres/migrate.js';
import { REGISTRY_MIGRATIONS } from '../../src/store/postgres/registry-schema.js';
import { pgQuery } from '../helpers/pg-schema.js';
import { adminQuery, dropSchemas, freshSchema, postgresMissing } from '../helpers/postgres.js';
import { assertMigratedV1, V1_ROWS } from './schema-v1.js';
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
      /has schema version 99; this tabflow reads up to 2/,
    );
  });

  it('migrates a schema at step 1 (stage rows naming a release) on open: every record kept, the step recorded', async () => {
    const { uri, schema } = freshSchema();
    const pool = openPool(parsePgTarget(uri));
    try {
      await migrate(pool, schema, 'registry', REGISTRY_MIGRATIONS.slice(0, 1));
      for (const row of V1_ROWS) await pool.query(row);
    } finally {
      await pool.end();
    }
    const s = await PostgresRegistryStore.open(uri);
    try {
      await assertMigratedV1(s);
    } finally {
      await s.close();
    }
    const { rows: steps } = await pgQuery(
      `SELECT version, name FROM ${schema}.tabflow_migrations WHERE component = 'registry' ORDER BY version`,
    );
    assert.deepEqual(steps, [
      { version: 1, name: 'registry tables' },
      { version: 2, name: 'stage releases are per host' },
    ]);
    const { rows: cols } = await pgQuery(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'stages' ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      cols.map((c) => c.column_name),
      ['stage', 'version', 'since'],
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
  it('notifies every watcher of a committed write, from another connection, and none for a rollback', async () => {
    const { uri } = freshSchema();
    const other = freshSchema();
    const writer = await PostgresRegistryStore.open(uri);
    const reader = await PostgresRegistryStore.open(uri);
    const elsewhere = await PostgresRegistryStore.open(other.uri);
    let heard = 0;
    let heardElsewhere = 0;
    let waiting: (() => void) | undefined;
    const watch = await reader.watch(() => {
      heard++;
      waiting?.();
    });
    const watchOther = await elsewhere.watch(() => heardElsewhere++);
    assert.ok(watch && watchOther, 'PostgreSQL can notify');
    const next = () => new Promise<void>((r) => (waiting = r));
    try {
      await assert.rejects(
        writer.writeTransaction(async () => {
          await writer.insertVersion(version('rolled-back'));
          throw new Error('abandon');
        }),
        /abandon/,
      );
      const heardCommit = next();
      await writer.writeTransaction(() => writer.insertVersion(version('r1')));
      await heardCommit;
      // The notification is sent at COMMIT: what the watcher reads then is the new state.
      assert.equal((await reader.listVersions()).length, 1);
      assert.equal(heard, 1, 'the rolled-back transaction sent nothing');
      assert.equal(heardElsewhere, 0, 'another schema is not told');
      // A write transaction that wrote nothing (a prune, a host's own folder work) wakes nobody.
      await writer.writeTransaction(() => writer.getStages());
      const heardWrite = next();
      await writer.writeTransaction(() => writer.setMeta('k', 'v'));
      await heardWrite;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(heard, 2, 'only the transaction that wrote was heard');

      // The listening connection killed by the server: the watcher reconnects and says so.
      await watch.close();
      const statuses: boolean[] = [];
      const again = await reader.watch(() => heard++, { onStatus: (st) => statuses.push(st.listening) });
      try {
        await adminQuery(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query = 'LISTEN tabflow_registry' AND state = 'idle'`,
        );
        await until(() => statuses.length === 2);
        assert.deepEqual(statuses, [false, true]);
        const before = heard;
        await writer.writeTransaction(() => writer.insertVersion(version('r2')));
        await until(() => heard > before);
      } finally {
        await again?.close();
      }
    } finally {
      await watchOther.close();
      await writer.close();
      await reader.close();
      await elsewhere.close();
    }
  });
});

/** Resolves once `cond` holds (checked every 10 ms; the interval keeps the test's process alive). */
function until(cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        resolve();
      }
    }, 10);
  });
}
