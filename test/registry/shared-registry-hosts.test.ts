/**
 * Two hosts sharing one PostgreSQL registry, each with its own models folder holding the run
 * folders (as after a copy or a shared runs/ mount) but not the other's release folders. Each
 * host's stage links point at releases in its own folder; the registry's stage rows hold only
 * what is shared (version, since). So `tabflow models list` on one host, then the other, again
 * and again, writes nothing to the registry and sends no notification: no host "repairs" a row
 * that names another host's folder, as they took turns to before.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadArtifacts } from '../../src/artifacts/load-artifacts.js';
import { openStores } from '../../src/store/open-stores.js';
import type { RegistryStore } from '../../src/store/registry-store.js';
import { useStorage } from '../../src/store/storage-setting.js';
import { TmpDir } from '../data/tmp-files.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { dropSchemas, freshSchema, postgresMissing } from '../helpers/postgres.js';
import { trainInto } from './fixture.js';

const skip = await postgresMissing();
const tmp = new TmpDir();

describe('two hosts sharing a PostgreSQL registry', { skip }, () => {
  let uri: string;
  let store: RegistryStore;
  let notified = 0;
  let closeWatch: () => Promise<void>;
  const A = tmp.path('host-a/models');
  const B = tmp.path('host-b/models');

  before(async () => {
    uri = freshSchema().uri;
    useStorage({ uri });
    await trainInto(A, ['ridge']);
    store = (await openStores({ registry: uri })).registry;
    const watch = await store.watch(() => notified++);
    closeWatch = () => watch!.close();
  });
  after(async () => {
    await closeWatch?.();
    await store?.close();
    useStorage({});
    await dropSchemas();
    tmp.remove();
  });

  /** Host B gets A's run folders (not its releases). */
  const shareRuns = () => {
    mkdirSync(B, { recursive: true });
    cpSync(join(A, 'runs'), join(B, 'runs'), { recursive: true });
  };

  /** `tabflow models list` on A then B, `rounds` times; the registry's writes meanwhile. */
  async function listTurns(rounds: number) {
    const events = (await store.listEvents()).length;
    const stages = await store.getStages();
    notified = 0;
    let said = '';
    for (let i = 0; i < rounds; i++) {
      for (const root of [A, B]) {
        const r = await tabflowInProcess(['models', 'list', '--models-dir', root, '--storage', uri]);
        assert.equal(r.code, 0, r.stderr);
        said += r.stderr;
      }
    }
    await sleep(300); // a notification arrives in milliseconds
    return {
      events: (await store.listEvents()).length - events,
      notified,
      stagesKept: JSON.stringify(await store.getStages()) === JSON.stringify(stages),
      said,
    };
  }

  it('models list on each host in turn writes nothing and notifies nobody; each host serves its own release', async () => {
    shareRuns();
    const linkA = readlinkSync(join(A, 'production'));
    const { said, ...w } = await listTurns(3);
    assert.deepEqual(w, { events: 0, notified: 0, stagesKept: true });
    assert.deepEqual(
      said.trim().split('\n').sort(),
      ['dev', 'production'].map(
        (st) =>
          `${st} moved in the shared registry: its link here now points to ${readlinkSync(join(B, st)).slice('.releases/'.length)}`,
      ),
      'said once, by B',
    );
    assert.equal(readlinkSync(join(A, 'production')), linkA, "A's link untouched");
    for (const stage of ['production', 'dev']) {
      assert.match(
        readlinkSync(join(B, stage)),
        new RegExp(`^\\.releases/${stage}-v1-`),
        `B has its own ${stage}`,
      );
      assert.equal(
        loadArtifacts(join(B, stage)).metadata.run_id,
        loadArtifacts(join(A, stage)).metadata.run_id,
      );
    }
  });

  it('a promotion made on A: B follows with its own release on its next open, still without writing', async () => {
    const v2 = await trainInto(A, ['gbdt'], { output: { promote: 'always' } });
    assert.equal(v2.promoted, true, JSON.stringify(v2.promotion ?? v2.promotionError));
    shareRuns();
    const { said, ...w } = await listTurns(2);
    assert.deepEqual(w, { events: 0, notified: 0, stagesKept: true });
    assert.match(
      said,
      /^production moved in the shared registry: its link here now points to production-v2-/m,
    );
    assert.equal(loadArtifacts(join(B, 'production')).metadata.run_id, v2.runId);
    assert.match(readlinkSync(join(B, 'production')), /^\.releases\/production-v2-/);
  });
});
