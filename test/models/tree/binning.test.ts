import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows, matrix } from '../../../src/core/matrix.js';
import type { FeatureInfo } from '../../../src/models/regressor.js';
import { binMatrix, fitBinMapper, numericThresholds } from '../../../src/models/tree/binning.js';

const num = (name: string): FeatureInfo => ({ name, kind: 'numeric', source: name });

describe('binning', () => {
  it('puts equal shares of rows in each quantile bin when values are distinct', () => {
    const n = 1000;
    const X = matrix(
      n,
      1,
      Float64Array.from({ length: n }, (_, i) => (i * 7919) % n),
    ); // 0..999 shuffled
    const m = fitBinMapper(X, [num('x')], { maxBins: 10 });
    assert.equal(m.nBins[0], 10);
    const b = binMatrix(m, X).bins;
    const counts = new Array(11).fill(0);
    for (const v of b) counts[v]++;
    for (let k = 0; k < 10; k++)
      assert.ok(Math.abs(counts[k] - 100) <= 1, `bin ${k} holds ${counts[k]} rows`);
    assert.equal(counts[10], 0, 'no row in the missing bin');
  });

  it('uses midpoints between distinct values when they fit, and x ≤ threshold goes to the lower bin', () => {
    assert.deepEqual([...numericThresholds(Float64Array.of(1, 1, 2, 3, 3, 3), 255)], [1.5, 2.5]);
    const X = fromRows([[1], [1], [2], [3], [3], [3]]);
    const m = fitBinMapper(X, null);
    assert.deepEqual([...binMatrix(m, X).bins], [0, 0, 1, 2, 2, 2]);
    // Unseen values clamp to the outer bins; a value equal to a threshold goes low.
    const Y = fromRows([[-100], [1.5], [1.5000001], [100]]);
    assert.deepEqual([...binMatrix(m, Y).bins], [0, 0, 1, 2]);
  });

  it('sends NaN to a dedicated missing bin after the value bins, learned without the missing rows', () => {
    const X = fromRows([
      [1, Number.NaN],
      [Number.NaN, Number.NaN],
      [2, Number.NaN],
      [3, Number.NaN],
    ]);
    const m = fitBinMapper(X, null);
    assert.equal(m.nBins[0], 3);
    assert.equal(m.nBins[1], 0, 'an all-missing column has no value bins');
    const b = binMatrix(m, X);
    assert.deepEqual([...b.bins.subarray(0, 4)], [0, 3, 1, 2]);
    assert.deepEqual([...b.bins.subarray(4, 8)], [0, 0, 0, 0], 'column-major; all rows in the missing bin 0');
    assert.deepEqual([...m.offsets], [0, 4, 5]);
  });

  it('bins categorical codes by code, and gives the rarest codes one shared bin beyond maxBins', () => {
    const codes = [0, 1, 2, 2, 3, 3, 3, Number.NaN];
    const X = matrix(codes.length, 1, Float64Array.from(codes));
    const feat: FeatureInfo[] = [{ name: 'c', kind: 'categorical', nCategories: 4, source: 'c' }];
    const m = fitBinMapper(X, feat);
    assert.equal(m.isCategorical[0], 1);
    assert.deepEqual([...binMatrix(m, X).bins], [0, 1, 2, 2, 3, 3, 3, 4]);
    const small = fitBinMapper(X, feat, { maxBins: 3 });
    // Most frequent: 3 (3 rows), 2 (2 rows); codes 0 and 1 share the last value bin.
    assert.deepEqual([...small.codeToBin[0]], [2, 2, 1, 0]);
    assert.equal(small.nBins[0], 3);
  });

  it('rejects maxBins outside 2..255, naming the value', () => {
    assert.throws(() => fitBinMapper(fromRows([[1]]), null, { maxBins: 256 }), /maxBins = 256/);
    assert.throws(() => fitBinMapper(fromRows([[1]]), null, { maxBins: 1 }), /maxBins = 1/);
  });

  it('never uses more than maxBins value bins on continuous data', () => {
    const n = 5000;
    const X = matrix(
      n,
      1,
      Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1000),
    );
    const m = fitBinMapper(X, null, { maxBins: 255 });
    assert.equal(m.nBins[0], 255);
    const b = binMatrix(m, X).bins;
    assert.ok(b.every((v) => v < 255));
  });
});
