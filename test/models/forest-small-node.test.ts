/**
 * The small-node split finder must pick exactly the split the dense histogram finder picks (same
 * feature, bin, side for missing values, gain and child sums, same random draws), on numeric,
 * categorical and missing-valued features, for best and random (extra-trees) splits — random
 * numeric splits sum in row order, so their sums agree to rounding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import { binMatrix, fitBinMapper } from '../../src/models/tree/binning.js';
import { buildHistogram, gatherOrdered } from '../../src/models/tree/histogram.js';
import { findBestSplitSparse, SparseScratch } from '../../src/models/tree/sparse-split.js';
import { findBestSplit, SplitInfo, SplitScratch } from '../../src/models/tree/splitting.js';
import { friedman1 } from '../helpers/datasets.js';

/** Friedman #1 plus a categorical column and missing values, so every code path is exercised. */
function data() {
  const f = friedman1(600, 6, 1, 11);
  const p = f.X.cols + 1;
  const X = new Float64Array(f.X.rows * p);
  const rng = new Rng(5);
  for (let i = 0; i < f.X.rows; i++) {
    for (let j = 0; j < f.X.cols; j++)
      X[i * p + j] = rng.next() < 0.1 ? Number.NaN : f.X.data[i * f.X.cols + j];
    // Coarse numeric (few distinct values) and a 6-level categorical tied to the target.
    X[i * p + 2] = Math.round(X[i * p + 2] * 4);
    X[i * p + p - 1] = rng.next() < 0.05 ? Number.NaN : Math.min(5, Math.floor(f.y[i] / 5));
  }
  const features: FeatureInfo[] = Array.from({ length: p }, (_, j) => ({
    name: `x${j}`,
    kind: j === p - 1 ? 'categorical' : 'numeric',
    nCategories: j === p - 1 ? 6 : undefined,
    source: `x${j}`,
  }));
  const M = matrix(f.X.rows, p, X);
  const mapper = fitBinMapper(M, features, { maxBins: 32 });
  return { mapper, binned: binMatrix(mapper, M), y: f.y, p };
}

/**
 * Same split. `exact`: also sums and gain bit for bit. Otherwise (random numeric splits add in row
 * order) sums agree to rounding, and a near-tie between two features cutting the rows the same
 * way may go either way.
 */
function same(a: SplitInfo, b: SplitInfo, what: string, exact: boolean): void {
  assert.equal(a.found, b.found, `${what}: found`);
  if (!a.found) return;
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * (1 + Math.abs(y));
  if (!exact && a.feature !== b.feature) {
    assert.ok(close(a.gain, b.gain), `${what}: features ${a.feature} / ${b.feature} are not tied`);
    return;
  }
  assert.deepEqual(
    [a.feature, a.bin, a.missingLeft, a.isCategorical, a.nL, a.nR],
    [b.feature, b.bin, b.missingLeft, b.isCategorical, b.nL, b.nR],
    what,
  );
  const sums = (x: SplitInfo) => [x.gain, x.gL, x.hL, x.gR, x.hR];
  if (exact) assert.deepEqual(sums(a), sums(b), what);
  else {
    const sa = sums(a);
    const sb = sums(b);
    for (let i = 0; i < sa.length; i++) assert.ok(close(sa[i], sb[i]), `${what}: ${sa[i]} vs ${sb[i]}`);
  }
  if (a.isCategorical) assert.deepEqual(a.catLeft, b.catLeft, `${what}: categories`);
}

describe('small-node split finder', () => {
  const { mapper, binned, y, p } = data();
  const n = binned.nRows;
  const hist = new Float64Array(3 * mapper.offsets[p]);
  const og = new Float64Array(n);
  const oh = new Float64Array(n);
  const features = Int32Array.from({ length: p }, (_, j) => j);

  it('marks features constant in a node, and skipping marked features changes nothing', () => {
    const pick = new Rng(9);
    const grad = Float64Array.from(y, (v) => -v);
    const c = { l2: 0, minSamplesLeaf: 1, minHessian: 0, minGain: 0 };
    const dense = new SplitInfo();
    const sparse = new SplitInfo();
    const scratch = new SplitScratch();
    const sparseScratch = new SparseScratch();
    let marked = 0;
    for (let trial = 0; trial < 200; trial++) {
      const size = 2 + pick.int(trial < 100 ? 6 : 60);
      const rows = pick.permutation(n).subarray(0, size);
      let G = 0;
      for (const r of rows) G += grad[r];
      gatherOrdered(og, grad, rows, 0, size);
      for (const random of [false, true]) {
        const seed = pick.nextU32();
        const mask = new Uint8Array(p);
        findBestSplitSparse(
          binned,
          mapper,
          rows,
          0,
          size,
          og,
          null,
          1,
          features,
          p,
          G,
          size,
          size,
          c,
          sparse,
          sparseScratch,
          random ? new Rng(seed) : null,
          mask,
        );
        for (let j = 0; j < p; j++) {
          const distinct = new Set(Array.from(rows, (r) => binned.bins[j * n + r])).size;
          if (mask[j] === 1) assert.equal(distinct, 1, `feature ${j} marked but not constant`);
          else if (mapper.isCategorical[j] === 0)
            assert.ok(distinct > 1, `numeric feature ${j} constant, not marked`);
          marked += mask[j];
        }
        // A child sees the parent's marks: same split as the dense finder on every feature.
        buildHistogram(hist, binned, mapper.offsets, features, p, rows, 0, size, og, null, 1);
        findBestSplit(
          hist,
          mapper,
          features,
          p,
          G,
          size,
          size,
          c,
          dense,
          scratch,
          random ? new Rng(seed) : null,
        );
        findBestSplitSparse(
          binned,
          mapper,
          rows,
          0,
          size,
          og,
          null,
          1,
          features,
          p,
          G,
          size,
          size,
          c,
          sparse,
          sparseScratch,
          random ? new Rng(seed) : null,
          mask,
        );
        same(sparse, dense, `trial ${trial} (${random ? 'random' : 'best'}) with marks`, !random);
      }
    }
    assert.ok(marked > 10, `only ${marked} constant features marked`);
  });

  for (const weighted of [false, true]) {
    for (const random of [false, true]) {
      it(`matches the dense finder (${weighted ? 'weighted' : 'unit'} rows, ${random ? 'random' : 'best'} splits)`, () => {
        const pick = new Rng(weighted ? 3 : 4);
        const grad = new Float64Array(n);
        const hess = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const w = weighted ? 1 + pick.int(3) : 1;
          grad[i] = -w * y[i];
          hess[i] = w;
        }
        const dense = new SplitInfo();
        const sparse = new SplitInfo();
        const scratch = new SplitScratch();
        const sparseScratch = new SparseScratch();
        let found = 0;
        let categorical = 0;
        let missingLeft = 0;
        for (let trial = 0; trial < 300; trial++) {
          // Many tiny nodes (2..11 rows: the pair and few-rows shortcuts), then up to 40 and 300 rows.
          const size = trial < 100 ? 2 + (trial % 10) : 1 + pick.int(trial < 200 ? 40 : 300);
          const rows = pick.permutation(n).subarray(0, size);
          const msl = 1 + pick.int(3);
          const c = { l2: 0, minSamplesLeaf: msl, minHessian: 0, minGain: 0 };
          let G = 0;
          let H = 0;
          for (const r of rows) {
            G += grad[r];
            H += hess[r];
          }
          gatherOrdered(og, grad, rows, 0, size);
          gatherOrdered(oh, hess, rows, 0, size);
          const hArr = weighted ? oh : null;
          buildHistogram(hist, binned, mapper.offsets, features, p, rows, 0, size, og, hArr, 1);
          const seed = pick.nextU32();
          const r1 = random ? new Rng(seed) : null;
          const r2 = random ? new Rng(seed) : null;
          findBestSplit(hist, mapper, features, p, G, H, size, c, dense, scratch, r1);
          findBestSplitSparse(
            binned,
            mapper,
            rows,
            0,
            size,
            og,
            hArr,
            1,
            features,
            p,
            G,
            H,
            size,
            c,
            sparse,
            sparseScratch,
            r2,
          );
          same(sparse, dense, `trial ${trial} (${size} rows)`, !random);
          if (r1 && r2) assert.equal(r1.nextU32(), r2.nextU32(), 'same number of random draws');
          if (dense.found) found++;
          if (dense.found && dense.isCategorical) categorical++;
          if (dense.found && dense.missingLeft) missingLeft++;
        }
        assert.ok(found > 120, `only ${found} nodes had a split`);
        assert.ok(
          categorical > 0 && missingLeft > 0,
          `${categorical} categorical, ${missingLeft} missing-left`,
        );
      });
    }
  }
});
