/**
 * Two processes — two hosts sharing one PostgreSQL registry — register and promote at once.
 * Writers serialise on the registry's advisory lock, so versions are numbered without gaps or
 * duplicates, production holds exactly one version, and the history is one chain: every
 * promotion names as its predecessor the version the one before it promoted.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PostgresRegistryStore } from '../../src/internal.js';
import { runScript } from '../helpers/cli.js';
import { dropSchemas, freshSchema, postgresMissing } from '../helpers/postgres.js';

const skip = await postgresMissing();
const child = fileURLToPath(new URL('./pg-promote-child.ts', import.meta.url));
const EACH = 30;
const HOSTS = ['host-a', 'host-b'];

describe('concurrent registrations and promotions on PostgreSQL', { skip }, () => {
  after(dropSchemas);

  it('serialise across processes: no gap, no duplicate, one production, one history chain', async () => {
    const { uri } = freshSchema();
    const results = await Promise.all(
      HOSTS.map((tag) => runScript(child, [uri, tag, String(EACH), HOSTS.join(',')])),
    );
    const byHost = results.map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { tag: string; versions: number[] };
    });
    const s = await PostgresRegistryStore.open(uri);
    try {
      const versions = (await s.listVersions()).map((v) => v.version);
      assert.deepEqual(
        versions,
        Array.from({ length: 2 * EACH }, (_, i) => i + 1),
      );
      const all = byHost.flatMap((h) => h.versions).sort((a, b) => a - b);
      assert.deepEqual(all, versions, 'each process got the numbers it registered, none shared');
      // Interleaved, not one process after the other: the lock was contended.
      assert.ok(
        byHost[0].versions.some((v, i) => i > 0 && v - byHost[0].versions[i - 1] > 1),
        'hosts interleaved',
      );
      const stages = await s.getStages();
      assert.equal(stages.length, 1);
      assert.equal(stages[0].version, 2 * EACH, 'production holds the last promotion');
      const events = await s.listEvents({ stage: 'production' });
      assert.equal(events.length, 2 * EACH);
      events.forEach((e, i) => {
        assert.equal(
          e.from_version,
          i === 0 ? null : events[i - 1].version,
          `event ${e.id} follows the one before`,
        );
      });
      assert.equal(events.at(-1)!.version, stages[0].version);
    } finally {
      await s.close();
    }
  });
});
