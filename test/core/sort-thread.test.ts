import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { sortedWithoutNaN } from '../../src/core/sort.js';
import { sortOnThread, THREAD_SORT_MIN_VALUES } from '../../src/core/sort-thread.js';

/** Values with NaN, both zeros, infinities and ties: the cases where orders could differ. */
function values(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const special = [0, -0, Infinity, -Infinity, Number.NaN, 1.5];
  return Float64Array.from({ length: n }, () =>
    rng.next() < 0.05 ? special[rng.int(special.length)] : Math.round(rng.normal() * 1e4) / 100,
  );
}

function assertSame(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] is ${got[i]}, want ${want[i]}`);
  }
}

test('sortOnThread: the same sorted values as sortedWithoutNaN, originals untouched, views and shared memory too', async () => {
  // Above the threshold in total, so the worker sorts them.
  const n = THREAD_SORT_MIN_VALUES / 2 + 17;
  const plain = values(n, 1);
  const big = values(2 * n, 2);
  const view = big.subarray(5, n + 5);
  const shared = new Float64Array(new SharedArrayBuffer(8 * n));
  shared.set(values(n, 3));
  const small = values(1000, 4);
  const arrays = [plain, view, shared, small, plain];
  const before = arrays.map((a) => a.slice());
  // Forced onto the worker whatever the machine's load.
  const once = await sortOnThread(arrays, () => true).collect();
  arrays.forEach((a, k) => {
    assertSame(a, before[k], `array ${k} modified`);
    assertSame(once.get(a), sortedWithoutNaN(before[k]), `array ${k}`);
  });
  // Sorted on the worker: get returns what it put, the same object each time.
  assert.equal(once.get(plain), once.get(plain));
});

test('sortOnThread: below THREAD_SORT_MIN_VALUES nothing runs; get sorts on first call', async () => {
  const a = values(5000, 5);
  const once = await sortOnThread([a]).collect();
  assertSame(once.get(a), sortedWithoutNaN(a), 'small');
});

test('sortOnThread: close ends the worker without collecting (a run that failed), twice is fine', async () => {
  const pending = sortOnThread([values(THREAD_SORT_MIN_VALUES, 6)], () => true);
  await pending.close();
  await pending.close();
});

test('sortOnThread: with no core to spare nothing runs in the background', async () => {
  const a = values(THREAD_SORT_MIN_VALUES, 7);
  const once = await sortOnThread([a], () => false).collect();
  assertSame(once.get(a), sortedWithoutNaN(a), 'inline');
});
