import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
import {
  binOf,
  distinctCount,
  histogram,
  nextUp,
  quantileEdges,
  quantileSketch,
  sortedFinite,
  valueEdges,
} from '../../src/monitor/sketch.js';

// Empirical CDF of a sorted sample at x: the share of values ≤ x.
const ecdf = (s: Float64Array, x: number) => {
  let k = 0;
  while (k < s.length && s[k] <= x) k++;
  return k / s.length;
};

describe('quantile sketch', () => {
  const rng = new Rng(3);
  // Lognormal-ish prices with heavy ties (rounded to 10), as in real data.
  const sample = sortedFinite(
    Float64Array.from({ length: 20_000 }, () => Math.round(Math.exp(7 + rng.normal()) / 10) * 10),
  );
  const sketch = quantileSketch(sample, 200);
  it('its CDF is within 1/(2·size) of the sample CDF everywhere, ties included', () => {
    let worst = 0;
    for (let i = 0; i < sample.length; i += 37)
      worst = Math.max(worst, Math.abs(ecdf(sample, sample[i]) - ecdf(sketch, sample[i])));
    assert.ok(worst <= 1 / 400 + 1e-12, `worst CDF gap ${worst}`);
    assert.ok(worst > 0, 'a 200-point sketch of 20000 values cannot be exact');
  });
  it('a small sample is kept whole', () => {
    assert.deepEqual(quantileSketch(Float64Array.from([1, 2, 3]), 200), Float64Array.from([1, 2, 3]));
  });
});

describe('bin edges', () => {
  it('quantile edges are strictly increasing, open at both ends, and split the mass evenly', () => {
    const s = sortedFinite(Float64Array.from({ length: 1000 }, (_, i) => i));
    const e = quantileEdges(s, 4);
    assert.deepEqual([...e], [Number.NEGATIVE_INFINITY, 249.75, 499.5, 749.25, Number.POSITIVE_INFINITY]);
    assert.deepEqual([...histogram(s, e)], [250, 250, 250, 250]);
    assert.deepEqual(quantileEdges(new Float64Array(), 10).length, 2);
  });
  it('value edges give each value its own bin and the gaps their own', () => {
    const s = Float64Array.from([-1, -1, 0, 2, 2, 2]);
    const e = valueEdges(s);
    assert.equal(distinctCount(s), 3);
    assert.deepEqual([...histogram(s, e)], [0, 2, 0, 1, 0, 3, 0]);
    assert.equal(binOf(e, 1), 4);
    assert.equal(binOf(e, 5), 6);
    assert.equal(binOf(e, -3), 0);
  });
  it('nextUp is the next double', () => {
    assert.equal(nextUp(1), 1 + Number.EPSILON);
    assert.equal(nextUp(0), Number.MIN_VALUE);
    assert.ok(nextUp(-1) > -1 && nextUp(-1) - -1 < 1e-15);
  });
  it('sortedFinite drops missing (NaN) and infinite values', () => {
    assert.deepEqual([...sortedFinite([3, Number.NaN, 1, Number.POSITIVE_INFINITY, 2])], [1, 2, 3]);
  });
});

describe('sortedFinite', () => {
  it('drops NaN and ±∞ and sorts, as a filter and a sort would', () => {
    const rng = new Rng(8);
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0];
    const v = Float64Array.from({ length: 30_000 }, () =>
      rng.next() < 0.05 ? special[rng.int(special.length)] : rng.normal(),
    );
    const want = v.filter((x) => Number.isFinite(x)).sort();
    assert.deepEqual(sortedFinite(v), want);
    assert.deepEqual(sortedFinite([Number.NaN, Number.POSITIVE_INFINITY]), new Float64Array(0));
  });
});
