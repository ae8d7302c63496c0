import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows, matrix } from '../../../src/core/matrix.js';
import { Rng } from '../../../src/core/random.js';
import { leafCount, leafOf, predictTree, treeDepth } from '../../../src/models/tree/predictor.js';
import { friedman1 } from '../../helpers/datasets.js';
import { growOn } from './helpers.js';

describe('tree grower', () => {
  const d = friedman1(2000, 6, 1, 11);

  it('respects max_leaves (best-first) and max_depth', () => {
    assert.equal(leafCount(growOn(d.X, d.y, { maxLeaves: 31 }).tree), 31);
    const deep = growOn(d.X, d.y, { maxDepth: 3 }).tree;
    assert.equal(treeDepth(deep), 3);
    assert.equal(leafCount(deep), 8);
  });

  it('partitions the rows into leaves whose values are the mean target of their rows', () => {
    const g = growOn(d.X, d.y, { maxLeaves: 16, minSamplesLeaf: 10 });
    const seen = new Uint8Array(d.X.rows);
    for (let k = 0; k < g.leafNode.length; k++) {
      let s = 0;
      for (let q = g.leafStart[k]; q < g.leafEnd[k]; q++) {
        s += d.y[g.rows[q]];
        seen[g.rows[q]]++;
      }
      const cnt = g.leafEnd[k] - g.leafStart[k];
      assert.ok(cnt >= 10, 'min_samples_leaf');
      assert.equal(g.tree.count[g.leafNode[k]], cnt);
      assert.ok(Math.abs(g.tree.value[g.leafNode[k]] - s / cnt) < 1e-9);
    }
    assert.ok(
      seen.every((v) => v === 1),
      'every row in exactly one leaf',
    );
  });

  it('predicts through raw thresholds exactly the leaf each training row was partitioned into', () => {
    // Missing values and a categorical column exercise every routing path.
    const n = 1500;
    const rng = new Rng(3);
    const X = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.next() < 0.1 ? Number.NaN : rng.next();
      const c = rng.next() < 0.05 ? Number.NaN : rng.int(12);
      X[i * 3] = a;
      X[i * 3 + 1] = c;
      X[i * 3 + 2] = rng.normal();
      y[i] = (Number.isNaN(a) ? 2 : a) + ([2, 5, 7, 11].includes(c) ? 3 : 0) + 0.1 * rng.normal();
    }
    const M = matrix(n, 3, X);
    const feats = [
      { name: 'a', kind: 'numeric' as const, source: 'a' },
      { name: 'c', kind: 'categorical' as const, nCategories: 12, source: 'c' },
      { name: 'z', kind: 'numeric' as const, source: 'z' },
    ];
    const g = growOn(M, y, { maxLeaves: 40, minSamplesLeaf: 5 }, feats);
    assert.ok(
      g.tree.catStart.some((s) => s >= 0),
      'uses a categorical split',
    );
    for (let k = 0; k < g.leafNode.length; k++) {
      for (let q = g.leafStart[k]; q < g.leafEnd[k]; q++) {
        assert.equal(leafOf(g.tree, X, g.rows[q] * 3), g.leafNode[k], `row ${g.rows[q]}`);
      }
    }
  });

  it('weights (bootstrap counts as hessians) give weighted-mean leaves', () => {
    const X = fromRows([[0], [0], [1], [1]]);
    const y = [1, 3, 10, 20];
    const w = Float64Array.of(3, 1, 1, 4);
    const t = growOn(X, y, {}, null, w).tree;
    const p = predictTree(t, X);
    assert.ok(Math.abs(p[0] - (3 * 1 + 3) / 4) < 1e-12);
    assert.ok(Math.abs(p[2] - (10 + 80) / 5) < 1e-12);
  });

  it('draws max_features candidates per node and random thresholds from its rng, deterministically', () => {
    const opts = (seed: number) => ({
      maxFeatures: 2,
      splitter: 'random' as const,
      rng: new Rng(seed),
      minSamplesLeaf: 5,
    });
    const a = growOn(d.X, d.y, opts(1)).tree;
    const b = growOn(d.X, d.y, opts(1)).tree;
    const c = growOn(d.X, d.y, opts(2)).tree;
    assert.deepEqual(a.threshold, b.threshold);
    assert.notDeepEqual(a.threshold, c.threshold);
    // Extra trees still learn: one random tree (2 of 6 features per node) explains most of y.
    const p = predictTree(a, d.X);
    let ss = 0;
    let st = 0;
    const mean = d.y.reduce((s, v) => s + v, 0) / d.y.length;
    for (let i = 0; i < d.y.length; i++) {
      ss += (d.y[i] - p[i]) ** 2;
      st += (d.y[i] - mean) ** 2;
    }
    assert.ok(1 - ss / st > 0.6, `training R² ${1 - ss / st}`);
  });

  it('needs an rng for feature sampling or random splits', () => {
    assert.throws(() => growOn(d.X, d.y, { maxFeatures: 2 }), /rng/);
  });

  it('grows a single leaf when nothing can be split', () => {
    const t = growOn(fromRows([[1], [1], [1]]), [1, 2, 3]).tree;
    assert.equal(t.feature.length, 1);
    assert.equal(t.value[0], 2);
  });
});
