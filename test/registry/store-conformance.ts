/**
 * What every RegistryStore must do, whatever its database: a future PostgreSQL store runs the
 * same checks by passing its own factory.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewVersion, RegistryStore } from '../../src/internal.js';

export function version(runId: string): NewVersion {
  return {
    name: 'default',
    run_id: runId,
    run_dir: `runs/${runId}`,
    registered_at: '2026-11-26T09:00:00.000Z',
    actor: 'test',
    metadata_sha256: 'a'.repeat(64),
    artifacts: { 'model.json': { sha256: 'b'.repeat(64), bytes: 10 } },
    model_kind: 'ridge',
    model_name: 'ridge',
    params: { alpha: 1 },
    metrics: { test: { rmse: 1.5, r2: 0.9 } },
    data_sha256: 'c'.repeat(64),
    config_sha256: 'd'.repeat(64),
    trained_at: '2026-11-26T08:59:00.000Z',
    tags: { team: 'pricing' },
  };
}

export function storeConformance(make: () => RegistryStore | Promise<RegistryStore>): void {
  it('numbers versions 1, 2, ... and round-trips every field', async () => {
    const s = await make();
    try {
      assert.equal(await s.insertVersion(version('r1')), 1);
      assert.equal(await s.insertVersion(version('r2')), 2);
      assert.deepEqual(await s.getVersion(2), { ...version('r2'), version: 2 });
      assert.equal((await s.findRun('r1'))!.version, 1);
      assert.equal(await s.getVersion(3), null);
      assert.equal(await s.findRun('nope'), null);
      assert.deepEqual(
        (await s.listVersions()).map((v) => v.version),
        [1, 2],
      );
      await assert.rejects(() => s.insertVersion(version('r1')), 'a run registers once');
    } finally {
      await s.close();
    }
  });

  it('stages, aliases and meta upsert; events list oldest first, limit keeps the newest', async () => {
    const s = await make();
    try {
      await s.insertVersion(version('r1'));
      await s.insertVersion(version('r2'));
      await s.setStage({ stage: 'production', version: 1, since: 't1' });
      await s.setStage({ stage: 'production', version: 2, since: 't2' });
      await s.setStage({ stage: 'dev', version: 1, since: 't3' });
      assert.deepEqual(await s.getStages(), [
        { stage: 'dev', version: 1, since: 't3' },
        { stage: 'production', version: 2, since: 't2' },
      ]);
      await s.setAlias({ alias: 'champion', version: 1, updated_at: 't' });
      await s.setAlias({ alias: 'champion', version: 2, updated_at: 't' });
      assert.deepEqual(
        (await s.getAliases()).map((a) => [a.alias, a.version]),
        [['champion', 2]],
      );
      assert.equal(await s.removeAlias('champion'), true);
      assert.equal(await s.removeAlias('champion'), false);
      await s.setMeta('model_name', 'a');
      await s.setMeta('model_name', 'b');
      assert.equal(await s.getMeta('model_name'), 'b');
      await s.setMeta('a_key', 'first');
      const meta = await s.listMeta();
      assert.equal(meta.model_name, 'b');
      assert.equal(meta.a_key, 'first');
      const keys = Object.keys(meta);
      assert.deepEqual(keys, [...keys].sort(), 'ordered by key');
      for (let i = 0; i < 5; i++) {
        await s.addEvent({
          ts: `t${i}`,
          type: 'promote',
          stage: i % 2 ? 'staging' : 'production',
          version: 1,
        });
      }
      await s.addEvent({ ts: 't5', type: 'alias', details: { alias: 'x', n: [1, 2] } });
      assert.deepEqual(
        (await s.listEvents()).map((e) => e.ts),
        ['t0', 't1', 't2', 't3', 't4', 't5'],
      );
      assert.deepEqual(
        (await s.listEvents({ limit: 2 })).map((e) => e.ts),
        ['t4', 't5'],
      );
      assert.deepEqual(
        (await s.listEvents({ stage: 'staging' })).map((e) => e.ts),
        ['t1', 't3'],
      );
      assert.deepEqual((await s.listEvents()).at(-1)!.details, { alias: 'x', n: [1, 2] });
    } finally {
      await s.close();
    }
  });

  it('a write transaction commits when its function returns and rolls back when it throws', async () => {
    const s = await make();
    try {
      await assert.rejects(() =>
        s.writeTransaction(async () => {
          await s.insertVersion(version('r1'));
          await s.writeTransaction(() => s.setMeta('k', 'v')); // nested: part of the outer one
          throw new Error('boom');
        }),
      );
      assert.equal((await s.listVersions()).length, 0);
      assert.equal(await s.getMeta('k'), null);
      assert.equal(await s.writeTransaction(() => s.insertVersion(version('r1'))), 1);
      assert.equal((await s.listVersions()).length, 1);
    } finally {
      await s.close();
    }
  });

  it('a second writer in the same process waits for the first transaction to end', async () => {
    const s = await make();
    try {
      const order: string[] = [];
      const first = s.writeTransaction(async () => {
        await s.insertVersion(version('r1'));
        await new Promise((r) => setTimeout(r, 20));
        order.push('first');
      });
      const second = s.writeTransaction(async () => {
        order.push('second');
        return s.insertVersion(version('r2'));
      });
      // A read meanwhile sees the last committed state, never half of a transaction.
      assert.equal(await second, 2);
      await first;
      assert.deepEqual(order, ['first', 'second']);
    } finally {
      await s.close();
    }
  });
}
