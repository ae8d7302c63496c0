import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { SortedOnce, sortedWithoutNaN, sortFloat64, sortFloat64InPlace } from '../../src/core/sort.js';

/** Element by element with Object.is: −0 and +0 differ, NaN equals NaN. */
function assertSameOrder(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] is ${got[i]}, native sort has ${want[i]}`);
  }
}

/** Doubles over the whole range: signs, zeros of both signs, infinities, NaN, subnormals, ties. */
function nasty(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const special = [
    0,
    -0,
    Infinity,
    -Infinity,
    Number.NaN,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    1e308,
    -1e-308,
  ];
  return Float64Array.from({ length: n }, () => {
    const u = rng.next();
    if (u < 0.05) return special[rng.int(special.length)];
    if (u < 0.3) return Math.round(rng.normal() * 10) / 4; // ties
    if (u < 0.6) return rng.normal() * 10 ** (rng.int(40) - 20);
    return rng.next();
  });
}

test('sortFloat64 orders exactly as Float64Array.prototype.sort (−0 before +0, NaN last)', () => {
  for (const [n, seed] of [
    [0, 1],
    [1, 1],
    [100, 2],
    [2047, 3],
    [2048, 4],
    [50_000, 5],
  ]) {
    const a = nasty(n, seed);
    const copy = a.slice();
    assertSameOrder(sortFloat64(a), a.slice().sort(), `n=${n}`);
    assertSameOrder(a, copy, 'the input is left alone');
    assertSameOrder(sortFloat64InPlace(a), copy.slice().sort(), `in place, n=${n}`);
  }
});

test('sortFloat64 takes plain arrays, and values sharing their high bits (skipped radix passes)', () => {
  const rng = new Rng(9);
  // One binade: every value has the same exponent, so the top digits are constant.
  const sameExponent = Float64Array.from({ length: 10_000 }, () => 1 + rng.next());
  assertSameOrder(sortFloat64(sameExponent), sameExponent.slice().sort(), 'one binade');
  const constant = new Float64Array(5000).fill(3.5);
  assertSameOrder(sortFloat64(constant), constant, 'constant');
  const plain = Array.from({ length: 3000 }, () => rng.normal());
  assertSameOrder(sortFloat64(plain), Float64Array.from(plain).sort(), 'number[]');
});

test('sortedWithoutNaN drops NaN and keeps ±∞', () => {
  const a = nasty(20_000, 11);
  const want = a.filter((x) => !Number.isNaN(x)).sort();
  assertSameOrder(sortedWithoutNaN(a), want, 'without NaN');
  assert.equal(sortedWithoutNaN(Float64Array.of(Number.NaN, Number.NaN)).length, 0);
});

test('SortedOnce sorts each array once and hands every reader the same sorted copy', () => {
  const a = nasty(10_000, 12);
  const b = nasty(10_000, 13);
  const once = new SortedOnce();
  const first = once.get(a);
  assertSameOrder(first, sortedWithoutNaN(a), 'sortedWithoutNaN');
  assert.equal(once.get(a), first, 'the same array again: the same copy');
  assert.notEqual(once.get(b), first);
  assertSameOrder(once.get(a.slice()), first, 'an equal array is sorted on its own');
});
