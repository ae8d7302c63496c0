/**
 * Two processes promote and roll back the same stages at once, many times. Writers serialise on
 * the registry's write lock, so: no move fails for any reason but the registry's own rules, a
 * reader never sees a stage folder incomplete or mixed, and at the end the database, the history
 * and the folders tell the same story.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadArtifacts, ModelRegistry, readRegistryStamp } from '../../src/internal.js';
import { reportFigures } from '../helpers/reliability.js';
import { startChild } from './child.js';
import { threeVersions, tmpEntries } from './fixture.js';

const MOVES = 40;

describe('concurrent promotions and rollbacks', () => {
  it('never corrupt the registry or the stage folders', async (t) => {
    const root = await threeVersions();
    let running = true;
    const children = Promise.all([
      startChild([root, 'churn', String(MOVES), '1']),
      startChild([root, 'churn', String(MOVES), '2']),
    ]).finally(() => {
      running = false;
    });
    // A reader loading the stage folders all along: always complete, never a mix of two runs.
    let reads = 0;
    while (running) {
      for (const stage of ['staging', 'production']) {
        try {
          const a = loadArtifacts(join(root, stage));
          assert.equal(readRegistryStamp(a.dir)?.run_id ?? a.metadata.run_id, a.metadata.run_id);
          reads++;
        } catch (e) {
          // Only "no staging yet" is acceptable (before the first move into it).
          assert.match(String((e as Error).message), /No artifacts at .*staging/);
        }
      }
      await sleep(5);
    }
    const results = await children;
    const done = results.map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        moves: number;
        refusedByRule: number;
        failed: string[];
      };
    });
    for (const d of done) {
      assert.deepEqual(d.failed, []);
      assert.equal(d.moves + d.refusedByRule, MOVES);
    }
    assert.ok(reads > 10, `the reader ran alongside (${reads} loads)`);

    const r = await ModelRegistry.open(root);
    try {
      assert.deepEqual(r.reconciled, [], 'nothing to repair: every move was complete');
      assert.deepEqual(tmpEntries(root), []);
      const moves = (await r.history()).filter(
        (e) => e.type === 'rollback' || (e.type === 'promote' && e.decision !== 'refused'),
      );
      // 4 moves came from training the fixture (v1 → production, v1, v2, v3 → dev).
      assert.equal(moves.length - 4, done[0].moves + done[1].moves);
      for (const stage of ['staging', 'production'] as const) {
        const held = (await r.stageVersion(stage))!;
        const a = loadArtifacts(join(root, stage));
        assert.equal(a.metadata.run_id, held.run_id);
        assert.equal(readRegistryStamp(a.dir)!.version, held.version);
        // Replaying the history (promotions push, rollbacks pop) ends on the version the stage holds.
        const stack: number[] = [];
        for (const e of moves.filter((m) => m.stage === stage)) {
          if (e.type === 'rollback') {
            stack.pop();
            assert.equal(stack.at(-1), e.version);
          } else stack.push(e.version!);
        }
        assert.equal(stack.at(-1), held.version);
      }
      reportFigures(t, {
        run: 'load: 2 processes promoting and rolling back at once',
        cases: 2 * MOVES,
        failures: done.reduce((n, d) => n + d.failed.length, 0),
        lost: done[0].moves + done[1].moves - (moves.length - 4),
        detail:
          `${done[0].moves + done[1].moves} moves applied, ${done[0].refusedByRule + done[1].refusedByRule} ` +
          `refused by the registry's rules; ${reads} loads of the stage folders alongside, none incomplete or mixed`,
      });
    } finally {
      await r.close();
    }
  });
});
