/**
 * Exact TreeSHAP: agrees with brute-force Shapley values (every coalition enumerated, path-
 * dependent expectations) on small trees with categorical bitsets and missing values, and the
 * efficiency property base + Σφ = prediction holds to 1e-6 for every tree family on diamonds and
 * concrete, including rows with missing values and unseen category codes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Matrix, matrix, takeRows } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { explain, explainTrees, foldToInputs, treeEnsembleOf } from '../../src/explain/index.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import { predictTree, type TreeArrays } from '../../src/models/tree/predictor.js';
import { friedman1 } from '../helpers/datasets.js';
import { growOn } from '../models/tree/helpers.js';
import { bruteForceShapley } from './brute-force.js';
import { concreteData, diamonds, efficiencyGap, fitModel } from './data.js';

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  for (let j = 0; j < a.length; j++) {
    assert.ok(Math.abs(a[j] - b[j]) <= tol, `${what}[${j}]: ${a[j]} vs ${b[j]}`);
  }
}

/** 4 inputs: a 6-level category (codes, some missing), a numeric with gaps, a numeric, noise. */
function mixed(n: number, seed: number): { X: Matrix; y: Float64Array; features: FeatureInfo[] } {
  const rng = new Rng(seed);
  const p = 4;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  const effect = [3, -2, 0.5, 4, -1, 2];
  for (let i = 0; i < n; i++) {
    const c = rng.int(6);
    X[i * p] = rng.next() < 0.08 ? Number.NaN : c;
    X[i * p + 1] = rng.next() < 0.15 ? Number.NaN : rng.normal();
    X[i * p + 2] = rng.next() * 10;
    X[i * p + 3] = rng.next();
    const x1 = X[i * p + 1];
    y[i] = effect[c] + (Number.isNaN(x1) ? 2.5 : x1 * 1.5) + 0.4 * X[i * p + 2] + 0.3 * rng.normal();
  }
  const features: FeatureInfo[] = [
    { name: 'grade', kind: 'categorical', nCategories: 6, source: 'grade' },
    { name: 'a', kind: 'numeric', source: 'a' },
    { name: 'b', kind: 'numeric', source: 'b' },
    { name: 'noise', kind: 'numeric', source: 'noise' },
  ];
  return { X: matrix(n, p, X), y, features };
}

/** Rows to explain: ordinary ones plus missing values and an unseen category code. */
function probeRows(p: number): Matrix {
  const rows = [
    [2, 0.3, 4, 0.5],
    [Number.NaN, -1.2, 7.5, 0.1],
    [5, Number.NaN, 1, 0.9],
    [9, 0.8, Number.NaN, 0.2],
    [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
    [0, 2.5, 9.9, 0.7],
  ];
  return matrix(rows.length, p, Float64Array.from(rows.flat()));
}

describe('TreeSHAP equals brute-force Shapley values', () => {
  it('single tree on Friedman #1 (5 features, repeated splits on a feature)', () => {
    const d = friedman1(400, 5, 1, 3);
    const t = growOn(d.X, d.y, { maxLeaves: 40 }).tree;
    const seen = new Set<number>();
    let repeated = false;
    for (const f of t.feature) {
      if (f < 0) continue;
      if (seen.has(f)) repeated = true;
      seen.add(f);
    }
    assert.ok(repeated, 'the tree should split on some feature more than once');
    const X = takeRows(d.X, [0, 1, 2, 3, 4, 5, 6, 7]);
    const e = explainTrees({ nFeatures: 5, offset: 0, scale: 1, trees: [t] }, X);
    for (let i = 0; i < X.rows; i++) {
      const x = X.data.subarray(i * 5, i * 5 + 5);
      assertClose(e.values.subarray(i * 5, i * 5 + 5), bruteForceShapley([t], x, 5), 1e-9, `row ${i}`);
    }
  });

  it('single tree with categorical bitset splits and missing-value routing', () => {
    const d = mixed(1500, 4);
    const t = growOn(d.X, d.y, { maxLeaves: 24 }, d.features).tree;
    assert.ok(
      [...t.catStart].some((c) => c >= 0),
      'expected a categorical split',
    );
    assert.ok(
      t.missingLeft.some((m, i) => t.feature[i] >= 0 && m === 1) &&
        t.missingLeft.some((m, i) => t.feature[i] >= 0 && m === 0),
      'expected missing values routed both ways',
    );
    const X = probeRows(4);
    const e = explainTrees({ nFeatures: 4, offset: 0, scale: 1, trees: [t] }, X);
    for (let i = 0; i < X.rows; i++) {
      const x = X.data.subarray(i * 4, i * 4 + 4);
      assertClose(e.values.subarray(i * 4, i * 4 + 4), bruteForceShapley([t], x, 4), 1e-9, `row ${i}`);
    }
  });

  it('gbdt and random_forest ensembles (sum of trees, forest scaled by 1/T)', async () => {
    const d = mixed(1200, 5);
    const data = { train: { X: d.X, y: d.y }, test: { X: d.X, y: d.y }, features: d.features };
    const X = probeRows(4);
    for (const [kind, params] of [
      ['gbdt', { max_iter: 15, max_leaves: 8 }],
      ['random_forest', { n_estimators: 6, max_depth: 5 }],
    ] as const) {
      const m = await fitModel(kind, params, data);
      const ens = treeEnsembleOf(m);
      assert.ok(ens, kind);
      const e = explain(m, X);
      const pred = m.predict(X);
      for (let i = 0; i < X.rows; i++) {
        const x = X.data.subarray(i * 4, i * 4 + 4);
        const bf = bruteForceShapley(ens.trees, x, 4).map((v) => v * ens.scale);
        assertClose(e.values.subarray(i * 4, i * 4 + 4), bf, 1e-9, `${kind} row ${i}`);
      }
      assert.ok(efficiencyGap(e.baseValue, e.values, 4, pred) < 1e-9, kind);
    }
  });
});

describe('efficiency: base value + Σ attributions = prediction (1e-6)', () => {
  const families = [
    ['tree', { max_depth: 10 }],
    ['gbdt', { max_iter: 80 }],
    ['random_forest', { n_estimators: 15, max_depth: 10 }],
    ['extra_trees', { n_estimators: 15, max_depth: 10 }],
  ] as const;

  it('diamonds (ordinal categories), with missing values injected into test rows', async () => {
    const d = diamonds('ordinal');
    const X = takeRows(
      d.test.X,
      Uint32Array.from({ length: 120 }, (_, i) => i),
    );
    // Every third row loses one value (carat, cut, or a dimension): routed by missingLeft.
    for (let i = 0; i < X.rows; i += 3) X.data[i * X.cols + ((i / 3) % X.cols)] = Number.NaN;
    for (const [kind, params] of families) {
      const m = await fitModel(kind, params, d);
      const e = explain(m, X);
      assert.equal(e.method, 'tree_shap');
      const gap = efficiencyGap(e.baseValue, e.values, X.cols, m.predict(X));
      assert.ok(gap < 1e-6, `${kind}: worst gap ${gap}`);
      // Folded to inputs the sum is the same, and categorical inputs keep their own attribution.
      const f = foldToInputs(e, d.features);
      assert.deepEqual(f.names.slice().sort(), [
        'carat',
        'clarity',
        'color',
        'cut',
        'depth',
        'table',
        'x',
        'y',
        'z',
      ]);
      assert.ok(efficiencyGap(f.baseValue, f.values, f.names.length, m.predict(X)) < 1e-6);
    }
  });

  it('concrete', async () => {
    const d = concreteData();
    for (const [kind, params] of families) {
      const m = await fitModel(kind, params, d);
      const e = explain(m, d.test.X);
      const gap = efficiencyGap(e.baseValue, e.values, d.test.X.cols, m.predict(d.test.X));
      assert.ok(gap < 1e-6, `${kind}: worst gap ${gap}`);
      // Attributions are not trivial: cement and age matter in every family.
      const meanAbs = new Float64Array(d.test.X.cols);
      for (let i = 0; i < e.rows; i++)
        for (let j = 0; j < e.nFeatures; j++) meanAbs[j] += Math.abs(e.values[i * e.nFeatures + j]);
      const names = d.features.map((f) => f.name);
      const top = [...meanAbs.keys()]
        .sort((a, b) => meanAbs[b] - meanAbs[a])
        .slice(0, 3)
        .map((j) => names[j]);
      assert.ok(top.includes('age') && top.includes('cement'), `${kind}: top ${top.join(', ')}`);
    }
  });
});

/**
 * A hand-built tree where some children saw no training row (node 2, and the subtree at node 6,
 * which splits on x0 again below a split on x0).
 */
function zeroCoverTree(): TreeArrays {
  //        0: x0 ≤ 0.5 (10 rows)
  //   1: x1 ≤ 0.5 (10)        2: leaf 100 (0 rows)
  // 3: leaf 1 (4)   4: x0 ≤ 0.2 (6)
  //               5: leaf 2 (6)  6: x0 ≤ 0.95 (0 rows)
  //                            7: leaf 40 (0)   8: leaf 60 (0)
  const n = 9;
  return {
    feature: Int32Array.from([0, 1, -1, -1, 0, -1, 0, -1, -1]),
    threshold: Float64Array.from([0.5, 0.5, 0, 0, 0.2, 0, 0.95, 0, 0]),
    left: Int32Array.from([1, 3, -1, -1, 5, -1, 7, -1, -1]),
    right: Int32Array.from([2, 4, -1, -1, 6, -1, 8, -1, -1]),
    value: Float64Array.from([1.6, 1.6, 100, 1, 2, 2, 50, 40, 60]),
    missingLeft: new Uint8Array(n),
    gain: new Float64Array(n),
    count: Float64Array.from([10, 10, 0, 4, 6, 6, 0, 0, 0]),
    catStart: new Int32Array(n).fill(-1),
    catBits: new Uint32Array(0),
  };
}

describe('children no training row reached', () => {
  it('carry zero weight: exact against brute force, efficient, finite', () => {
    const t = zeroCoverTree();
    const X = matrix(4, 3, Float64Array.from([0.9, 0.9, 0, 0.9, 0.1, 0, 0.1, 0.9, 0, 0.3, 0.9, 1]));
    const e = explainTrees({ nFeatures: 3, offset: 0, scale: 1, trees: [t] }, X);
    assert.ok(Math.abs(e.baseValue - 1.6) < 1e-12);
    assert.ok(e.values.every(Number.isFinite));
    assert.ok(efficiencyGap(e.baseValue, e.values, 3, predictTree(t, X)) < 1e-9);
    for (let i = 0; i < X.rows; i++) {
      const x = X.data.subarray(i * 3, i * 3 + 3);
      assertClose(e.values.subarray(i * 3, i * 3 + 3), bruteForceShapley([t], x, 3), 1e-9, `row ${i}`);
    }
  });
});

describe('base value', () => {
  it('is the training-cover mean of a single tree (mean target of the training rows)', () => {
    const d = friedman1(500, 5, 1, 8);
    const t = growOn(d.X, d.y, { maxLeaves: 10 }).tree;
    const e = explainTrees({ nFeatures: 5, offset: 0, scale: 1, trees: [t] }, takeRows(d.X, [0]));
    const mean = d.y.reduce((a, b) => a + b, 0) / d.y.length;
    assert.ok(Math.abs(e.baseValue - mean) < 1e-9, `${e.baseValue} vs ${mean}`);
  });
});
