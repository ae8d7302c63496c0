import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../../src/core/matrix.js';
import type { FeatureInfo } from '../../../src/models/regressor.js';
import { binMatrix, fitBinMapper } from '../../../src/models/tree/binning.js';
import { buildHistogram } from '../../../src/models/tree/histogram.js';
import { findBestSplit, SplitInfo, SplitScratch } from '../../../src/models/tree/splitting.js';

/** Best root split of (X, y) with g = −y, h = 1. */
function rootSplit(
  rowsX: number[][],
  y: number[],
  opts: Partial<{ minSamplesLeaf: number; l2: number }> = {},
  features: FeatureInfo[] | null = null,
) {
  const X = fromRows(rowsX);
  const mapper = fitBinMapper(X, features);
  const binned = binMatrix(mapper, X);
  const n = X.rows;
  const p = X.cols;
  const g = Float64Array.from(y, (v) => -v);
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  const feats = Int32Array.from({ length: p }, (_, j) => j);
  const hist = new Float64Array(3 * mapper.offsets[p]);
  buildHistogram(hist, binned, mapper.offsets, feats, p, rows, 0, n, g, null, 1);
  const G = g.reduce((a, b) => a + b, 0);
  const out = new SplitInfo();
  const c = { l2: opts.l2 ?? 0, minSamplesLeaf: opts.minSamplesLeaf ?? 1, minHessian: 0, minGain: 0 };
  findBestSplit(hist, mapper, feats, p, G, n, n, c, out, new SplitScratch(), null);
  return { out, mapper };
}

describe('split finder', () => {
  it('picks the known best threshold and feature, with the variance-reduction gain', () => {
    // Feature 0 separates y perfectly between x=4 and x=5; feature 1 is noise.
    const X = [1, 2, 3, 4, 5, 6, 7, 8].map((v, i) => [v, (i * 5) % 8]);
    const y = [0, 0, 0, 0, 10, 10, 10, 10];
    const { out, mapper } = rootSplit(X, y);
    assert.equal(out.feature, 0);
    assert.equal(mapper.thresholds[0][out.bin], 4.5);
    // gain = GL²/NL + GR²/NR − G²/N = 0 + 40²/4 − 40²/8 = 200 (= total squared error removed).
    assert.ok(Math.abs(out.gain - 200) < 1e-9, `gain ${out.gain}`);
    assert.equal(out.nL, 4);
    assert.equal(out.nR, 4);
  });

  it('L2 shrinks the gain as GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ)', () => {
    const X = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => [v]);
    const y = [0, 0, 0, 0, 10, 10, 10, 10];
    const { out } = rootSplit(X, y, { l2: 1 });
    assert.ok(Math.abs(out.gain - (1600 / 5 - 1600 / 9)) < 1e-9);
  });

  it('respects min_samples_leaf even when a smaller leaf would gain more', () => {
    const X = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => [v]);
    const y = [100, 0, 0, 0, 0, 0, 0, 1];
    assert.equal(rootSplit(X, y).out.nL, 1, 'unconstrained: isolates the outlier');
    const { out } = rootSplit(X, y, { minSamplesLeaf: 3 });
    assert.ok(out.nL >= 3 && out.nR >= 3);
  });

  it('routes missing values to the side whose targets they resemble', () => {
    const NaN_ = Number.NaN;
    const X = [[1], [2], [3], [4], [5], [6], [NaN_], [NaN_]];
    const high = rootSplit(X, [0, 0, 0, 10, 10, 10, 10, 10]).out;
    assert.equal(high.missingLeft, false, 'missing rows look like the right (high) side');
    assert.equal(high.nR, 5);
    const low = rootSplit(X, [0, 0, 0, 10, 10, 10, 0, 0]).out;
    assert.equal(low.missingLeft, true, 'missing rows look like the left (low) side');
    assert.equal(low.nL, 5);
  });

  it('splits missing against all values when missingness itself is the signal', () => {
    const NaN_ = Number.NaN;
    const X = [[1], [2], [3], [4], [NaN_], [NaN_], [NaN_], [NaN_]];
    const { out, mapper } = rootSplit(X, [0, 0, 0, 0, 7, 7, 7, 7]);
    assert.equal(out.bin, mapper.nBins[0] - 1, 'threshold past the last value bin');
    assert.equal(out.missingLeft, false);
    assert.equal(out.nL, 4);
  });

  it('learns a non-monotone categorical effect in one split (categories sorted by mean target)', () => {
    // y is high for categories {1, 3, 4} and low for {0, 2, 5}: no single numeric threshold on the
    // codes separates them, a categorical split does.
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 120; i++) {
      const c = i % 6;
      X.push([c]);
      y.push([1, 3, 4].includes(c) ? 10 : 0);
    }
    const cat: FeatureInfo[] = [{ name: 'c', kind: 'categorical', nCategories: 6, source: 'c' }];
    const { out } = rootSplit(X, y, {}, cat);
    assert.equal(out.isCategorical, true);
    const left = [0, 1, 2, 3, 4, 5].filter((c) => out.catLeft[c] === 1);
    assert.ok(
      JSON.stringify(left) === '[1,3,4]' || JSON.stringify(left) === '[0,2,5]',
      `left categories ${JSON.stringify(left)}`,
    );
    assert.ok(Math.abs(out.gain - 120 * 25) < 1e-6, 'removes all squared error');
    const asNumeric = rootSplit(X, y).out;
    assert.ok(asNumeric.gain < out.gain / 2, 'a threshold on the codes explains much less');
  });

  it('finds no split on a constant feature or a constant target', () => {
    assert.equal(rootSplit([[1], [1], [1], [1]], [1, 2, 3, 4]).out.found, false);
    assert.equal(rootSplit([[1], [2], [3], [4]], [5, 5, 5, 5]).out.found, false);
  });
});
