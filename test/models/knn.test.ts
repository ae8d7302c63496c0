import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, ValidationError } from '../../src/core/errors.js';
import { fromRows, type Matrix, takeRows } from '../../src/core/matrix.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import type { FittedKnn } from '../../src/models/knn/fitted.js';
import { friedman1, splitIdx } from '../helpers/datasets.js';
import { conformance } from './conformance.js';

// Standardised concrete: sklearn's KNeighborsRegressor(5) scores 0.67–0.75 on such splits.
conformance('knn', { minR2: 0.65, kernels: true });
conformance('knn', { minR2: 0.65, params: { weights: 'distance', p: 1, algorithm: 'brute' }, kernels: true });

const ctx = { features: [], seed: 1 };

async function fitKnn(params: Record<string, unknown>, X: Matrix, y: Float64Array): Promise<FittedKnn> {
  return (await createModel('knn', params).fit(X, y, ctx)) as FittedKnn;
}

interface Fixture {
  Xtrain: number[][];
  ytrain: number[];
  Xtest: number[][];
  cases: { params: Record<string, unknown>; pred: number[]; tied: number[] }[];
}

describe('knn matches scikit-learn KNeighborsRegressor (committed fixtures)', () => {
  for (const name of ['concrete', 'diamonds']) {
    const fx: Fixture = JSON.parse(
      readFileSync(new URL(`../fixtures/knn/${name}.json`, import.meta.url), 'utf8'),
    );
    const Xtr = fromRows(fx.Xtrain);
    const Xte = fromRows(fx.Xtest);
    const y = Float64Array.from(fx.ytrain);
    for (const c of fx.cases) {
      for (const algorithm of ['kd_tree', 'brute']) {
        it(`${name} ${JSON.stringify(c.params)} ${algorithm}: max |Δ| ≤ 1e-9 on every row`, async () => {
          const m = await fitKnn({ ...c.params, algorithm }, Xtr, y);
          const p = m.predict(Xte);
          let worst = 0;
          for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - c.pred[i]));
          assert.ok(worst <= 1e-9, `max abs diff ${worst} (rows with tied k-th distance: ${c.tied.length})`);
        });
      }
    }
  }
});

describe('knn search', () => {
  it('breaks distance ties by training index, in both algorithms', async () => {
    // Three identical rows with different targets and a query equidistant from two points.
    const X = fromRows([[0], [0], [0], [-1], [1]]);
    const y = Float64Array.from([1, 2, 3, 10, 20]);
    for (const algorithm of ['kd_tree', 'brute']) {
      const m = await fitKnn({ n_neighbors: 2, algorithm, leaf_size: 1 }, X, y);
      assert.deepEqual([...m.predict(fromRows([[0.1]]))], [1.5]);
      const one = await fitKnn({ n_neighbors: 1, algorithm, leaf_size: 1 }, takeRows(X, [3, 4]), y.slice(3));
      assert.deepEqual([...one.predict(fromRows([[0]]))], [10]);
    }
  });

  it('KD-tree and brute force find the same neighbours on Friedman #1', async () => {
    const d = friedman1(3000, 10, 1, 5);
    const { train, test } = splitIdx(d.X.rows, 0.2, 2);
    const ytr = Float64Array.from(train, (i) => d.y[i]);
    const a = await fitKnn({ n_neighbors: 7, algorithm: 'kd_tree', leaf_size: 8 }, takeRows(d.X, train), ytr);
    const b = await fitKnn({ n_neighbors: 7, algorithm: 'brute' }, takeRows(d.X, train), ytr);
    const Xte = takeRows(d.X, test);
    assert.deepEqual(a.kneighbors(Xte).index, b.kneighbors(Xte).index);
    assert.deepEqual(a.predict(Xte), b.predict(Xte));
  });

  it('distance weights give all weight to exact matches', async () => {
    const m = await fitKnn(
      { n_neighbors: 3, weights: 'distance' },
      fromRows([[0], [1], [1], [5]]),
      Float64Array.from([0, 4, 6, 100]),
    );
    assert.deepEqual([...m.predict(fromRows([[1], [3]]))], [5, (4 / 2 + 6 / 2 + 100 / 2) / (3 / 2)]);
  });
});

describe('knn degenerate input', () => {
  it('caps n_neighbors at the number of rows and says so', async () => {
    const m = await fitKnn({ n_neighbors: 5 }, fromRows([[0], [1], [2]]), Float64Array.from([3, 6, 9]));
    assert.deepEqual([...m.predict(fromRows([[10]]))], [6]);
    assert.match(m.notes.join('\n'), /n_neighbors=5 exceeds the 3 training rows; used 3/);
  });

  it('rejects missing values with the row and column', async () => {
    const X = fromRows([
      [0, 1],
      [1, Number.NaN],
    ]);
    await assert.rejects(createModel('knn').fit(X, Float64Array.from([1, 2]), ctx), /X\[1, 1\] = NaN/);
    const m = await fitKnn({}, fromRows([[0, 1]]), Float64Array.from([1]));
    assert.throws(() => m.predict(fromRows([[Number.NaN, 0]])), ValidationError);
  });

  it('rejects bad parameters naming them', () => {
    assert.throws(
      () => createModel('knn', { n_neighbors: 0 }),
      (e: unknown) => e instanceof ConfigError && /n_neighbors/.test(e.message),
    );
    assert.throws(() => createModel('knn', { p: 3 }), /params\.p = 3/);
    assert.throws(() => createModel('knn', { weights: 'gaussian' }), /uniform, distance/);
  });

  it('importances follow the spread of each feature', async () => {
    const X = fromRows(Array.from({ length: 50 }, (_, i) => [i % 5, (i % 7) * 3, 1]));
    const m = await fitKnn({}, X, new Float64Array(50).fill(1));
    const imp = m.featureImportances();
    assert.ok(imp[1] > imp[0] && imp[2] === 0);
    assert.ok(Math.abs(imp[0] + imp[1] - 1) < 1e-12);
  });
});
