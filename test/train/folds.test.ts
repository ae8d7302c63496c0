import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { kFolds } from '../../src/train/cv/folds.js';

describe('kFolds', () => {
  it('holds every row out exactly once per repeat, fits on the rest, sizes within one', () => {
    const n = 803;
    const folds = kFolds(n, { folds: 5, repeats: 3, seed: 42 });
    assert.equal(folds.length, 15);
    for (let r = 0; r < 3; r++) {
      const pass = folds.filter((f) => f.repeat === r);
      assert.deepEqual(
        pass.map((f) => f.fold),
        [0, 1, 2, 3, 4],
      );
      const seen = new Uint8Array(n);
      for (const f of pass) {
        for (const i of f.held) seen[i]++;
        assert.equal(f.fit.length + f.held.length, n);
        const held = new Set(f.held);
        assert.ok(
          [...f.fit].every((i) => !held.has(i)),
          'no row both fitted on and held out',
        );
        assert.ok(
          f.held.every((v, k) => k === 0 || v > f.held[k - 1]),
          'held rows ascending',
        );
      }
      assert.ok(seen.every((c) => c === 1));
      const sizes = pass.map((f) => f.held.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
    }
  });

  it('is seeded: the same seed gives the same folds, repeats and seeds differ', () => {
    const a = kFolds(200, { folds: 4, repeats: 2, seed: 7 });
    const b = kFolds(200, { folds: 4, repeats: 2, seed: 7 });
    const c = kFolds(200, { folds: 4, repeats: 2, seed: 8 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0].held, a[4].held, 'repeat 2 reshuffles');
    assert.notDeepEqual(a[0].held, c[0].held);
  });

  it('keeps each group in one fold and balances rows across folds', () => {
    // 60 groups of sizes 1..12 (real-ish: stores, patients).
    const groups: number[] = [];
    for (let g = 0; g < 60; g++) for (let k = 0; k <= g % 12; k++) groups.push(g);
    const ids = Int32Array.from(groups);
    const folds = kFolds(ids.length, { folds: 5, repeats: 2, seed: 1, groups: ids });
    for (const f of folds) {
      const heldGroups = new Set([...f.held].map((i) => ids[i]));
      for (const i of f.fit) assert.ok(!heldGroups.has(ids[i]), `group ${ids[i]} on both sides`);
    }
    const sizes = folds.filter((f) => f.repeat === 0).map((f) => f.held.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 12, `fold sizes ${sizes}`);
  });

  it('refuses fewer than 2 folds or more folds than rows or groups, naming selection.folds', () => {
    for (const [n, folds, groups] of [
      [10, 1, undefined],
      [4, 5, undefined],
      [10, 4, Int32Array.from([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])],
    ] as const) {
      assert.throws(
        () => kFolds(n, { folds, repeats: 1, seed: 0, groups }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.issues[0].path === 'selection.folds' &&
          e.message.includes(`selection.folds = ${folds}`) &&
          /expected an integer from 2 to the \d+ (rows|groups)/.test(e.message),
      );
    }
  });
});
