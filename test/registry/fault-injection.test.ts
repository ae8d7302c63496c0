/**
 * A child process promotes and SIGKILLs itself at each step of the stage move
 * (TABFLOW_FAULT_AT). After every crash the stage folder holds the old or the new version,
 * complete (loadArtifacts verifies every sha256), and reopening the registry makes the database
 * and the folders agree.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FAULT_STEPS, loadArtifacts, ModelRegistry, promote, readRegistryStamp } from '../../src/internal.js';
import { runChild } from './child.js';
import { threeVersions, tmpEntries } from './fixture.js';

/** Steps after which the new version is live on disk before the commit. */
const LINK_MOVED = new Set(['link-swapped', 'committed']);

async function runIds(root: string): Promise<Record<number, string>> {
  const r = await ModelRegistry.open(root);
  try {
    return Object.fromEntries((await r.list()).map((v) => [v.version, v.run_id]));
  } finally {
    await r.close();
  }
}

for (const [stage, oldVersion] of [
  ['production', 1],
  ['staging', null],
] as const) {
  describe(`crash at every step of a move into ${stage} (${oldVersion ? `held by v${oldVersion}` : 'empty'})`, () => {
    for (const step of FAULT_STEPS) {
      it(step, async () => {
        const root = await threeVersions();
        const ids = await runIds(root);
        const dir = join(root, stage);
        const r = runChild([root, 'promote', '2', stage, 'force'], { TABFLOW_FAULT_AT: step });
        assert.equal(r.signal, 'SIGKILL', `the child should die at ${step}: ${r.code}\n${r.stderr}`);

        // Before anyone repairs anything: the folder is old-complete or new-complete.
        const expectNew = LINK_MOVED.has(step);
        if (!expectNew && oldVersion === null) assert.equal(existsSync(dir), false);
        else {
          const a = loadArtifacts(dir);
          assert.equal(a.metadata.run_id, ids[expectNew ? 2 : oldVersion!]);
          assert.equal(readRegistryStamp(dir)!.run_id, a.metadata.run_id);
        }
        if (step === 'release-partial') {
          assert.ok(readdirSync(join(root, '.releases')).some((n) => n.startsWith('.tmp-')));
        }
        if (step === 'link-created') assert.ok(readdirSync(root).some((n) => n.startsWith(`.tmp-${stage}-`)));

        // Reopen: the database decides; link, folder and database agree; no leftovers.
        const reg = await ModelRegistry.open(root);
        try {
          const committed = step === 'committed';
          const held = await reg.stageVersion(stage);
          assert.equal(held?.version ?? null, committed ? 2 : oldVersion);
          if (held) assert.equal(loadArtifacts(dir).metadata.run_id, held.run_id);
          else assert.equal(existsSync(dir), false);
          assert.deepEqual(tmpEntries(root), []);
          if (step === 'link-swapped')
            assert.deepEqual(
              reg.reconciled.map((f) => f.stage),
              [stage],
            );
          // And the registry still works: the same promotion now succeeds (or is already done).
          if (!committed) {
            const d = await promote(reg, 2, stage, { force: true });
            assert.equal(d.applied, true);
          }
          assert.equal(loadArtifacts(dir).metadata.run_id, ids[2]);
        } finally {
          await reg.close();
        }
      });
    }
  });
}
