/** Selection-based quantiles equal numpy's linear quantile computed from a full sort. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { quantile, select } from '../../src/preprocess/stats.js';

/** numpy.quantile(method='linear') on a sorted copy, written out plainly. */
function reference(x: Float64Array, q: number): number {
  const s = Float64Array.from(x).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const t = pos - lo;
  if (t === 0) return s[lo];
  const d = s[lo + 1] - s[lo];
  return t >= 0.5 ? s[lo + 1] - d * (1 - t) : s[lo] + d * t;
}

test('quantile by selection matches the sorted reference (ties, sorted and reversed input)', () => {
  const rng = new Rng(11);
  const cases: Float64Array[] = [];
  for (const n of [1, 2, 3, 7, 100, 1001]) {
    cases.push(Float64Array.from({ length: n }, () => rng.normal()));
    cases.push(Float64Array.from({ length: n }, () => rng.int(4))); // many ties
    cases.push(Float64Array.from({ length: n }, (_, i) => i)); // sorted
    cases.push(Float64Array.from({ length: n }, (_, i) => n - i)); // reversed
  }
  for (const x of cases) {
    const work = x.slice();
    for (const q of [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1]) {
      assert.equal(quantile(work, q), reference(x, q), `n=${x.length} q=${q}`);
    }
  }
  assert.ok(Number.isNaN(quantile(new Float64Array(0), 0.5)));
});

test('select partitions around the k-th value', () => {
  const rng = new Rng(5);
  const a = Float64Array.from({ length: 500 }, () => rng.int(50));
  const sorted = a.slice().sort();
  for (const k of [0, 1, 249, 250, 498, 499]) {
    const v = select(a, k);
    assert.equal(v, sorted[k]);
    for (let i = 0; i < k; i++) assert.ok(a[i] <= v);
    for (let i = k + 1; i < a.length; i++) assert.ok(a[i] >= v);
  }
});
