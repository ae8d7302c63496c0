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

export function storeConformance(make: () => RegistryStore): void {
  it('numbers versions 1, 2, ... and round-trips every field', () => {
    const s = make();
    try {
      assert.equal(s.insertVersion(version('r1')), 1);
      assert.equal(s.insertVersion(version('r2')), 2);
      assert.deepEqual(s.getVersion(2), { ...version('r2'), version: 2 });
      assert.equal(s.findRun('r1')!.version, 1);
      assert.equal(s.getVersion(3), null);
      assert.equal(s.findRun('nope'), null);
      assert.deepEqual(
        s.listVersions().map((v) => v.version),
        [1, 2],
      );
      assert.throws(() => s.insertVersion(version('r1')), 'a run registers once');
    } finally {
      s.close();
    }
  });

  it('stages, aliases and meta upsert; events list oldest first, limit keeps the newest', () => {
    const s = make();
    try {
      s.insertVersion(version('r1'));
      s.insertVersion(version('r2'));
      s.setStage({ stage: 'production', version: 1, release: 'production-v1-a', since: 't1' });
      s.setStage({ stage: 'production', version: 2, release: 'production-v2-b', since: 't2' });
      assert.deepEqual(s.getStages(), [
        { stage: 'production', version: 2, release: 'production-v2-b', since: 't2' },
      ]);
      s.setAlias({ alias: 'champion', version: 1, updated_at: 't' });
      s.setAlias({ alias: 'champion', version: 2, updated_at: 't' });
      assert.deepEqual(
        s.getAliases().map((a) => [a.alias, a.version]),
        [['champion', 2]],
      );
      assert.equal(s.removeAlias('champion'), true);
      assert.equal(s.removeAlias('champion'), false);
      s.setMeta('model_name', 'a');
      s.setMeta('model_name', 'b');
      assert.equal(s.getMeta('model_name'), 'b');
      for (let i = 0; i < 5; i++) {
        s.addEvent({ ts: `t${i}`, type: 'promote', stage: i % 2 ? 'staging' : 'production', version: 1 });
      }
      s.addEvent({ ts: 't5', type: 'alias', details: { alias: 'x', n: [1, 2] } });
      assert.deepEqual(
        s.listEvents().map((e) => e.ts),
        ['t0', 't1', 't2', 't3', 't4', 't5'],
      );
      assert.deepEqual(
        s.listEvents({ limit: 2 }).map((e) => e.ts),
        ['t4', 't5'],
      );
      assert.deepEqual(
        s.listEvents({ stage: 'staging' }).map((e) => e.ts),
        ['t1', 't3'],
      );
      assert.deepEqual(s.listEvents().at(-1)!.details, { alias: 'x', n: [1, 2] });
    } finally {
      s.close();
    }
  });

  it('a write transaction commits when its function returns and rolls back when it throws', () => {
    const s = make();
    try {
      assert.throws(() =>
        s.writeTransaction(() => {
          s.insertVersion(version('r1'));
          s.writeTransaction(() => s.setMeta('k', 'v')); // nested: part of the outer one
          throw new Error('boom');
        }),
      );
      assert.equal(s.listVersions().length, 0);
      assert.equal(s.getMeta('k'), null);
      assert.equal(
        s.writeTransaction(() => s.insertVersion(version('r1'))),
        1,
      );
      assert.equal(s.listVersions().length, 1);
    } finally {
      s.close();
    }
  });
}
