import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';

// Every seeded step (split, bootstrap, subsampling, permutations) depends on these exact streams:
// the values were pinned from the implementation with four number fields, before the state moved
// into an Int32Array, so a faster generator must give the same bits.
test('Rng: the pinned xoshiro128** streams (nextU32, next, permutation, fork)', () => {
  const r = new Rng(42);
  assert.deepEqual(
    Array.from({ length: 5 }, () => r.nextU32()),
    [2837322924, 544945897, 479756282, 3500138142, 339756180],
  );
  let h = 0;
  const q = new Rng(0xdeadbeef);
  for (let i = 0; i < 100_000; i++) h = (Math.imul(h, 31) + q.nextU32()) >>> 0;
  assert.equal(h, 3584670566);
  assert.deepEqual(Array.from(new Rng(15).permutation(10)), [3, 2, 7, 6, 0, 4, 5, 9, 8, 1]);
  assert.equal(new Rng(7).fork().nextU32(), 756250328);
  assert.equal(new Rng(3).next(), 0.7191480967694305);
});
