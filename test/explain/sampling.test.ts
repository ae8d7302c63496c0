/**
 * Model-agnostic Shapley values (antithetic permutation sampling) for SVR and k-NN: the sum is
 * exactly f(x) − mean f(background) for any sample count, results are deterministic per seed, one-
 * hot inputs move together, and on a linear model the estimate is the exact interventional value
 * coef_j · (x_j − mean_bg x_j) (a walk's step for feature j is the same in every order).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelError } from '../../src/core/errors.js';
import { takeRows } from '../../src/core/matrix.js';
import {
  decodeBackground,
  encodeBackground,
  explain,
  explainInputs,
  pickBackground,
  samplingShap,
} from '../../src/explain/index.js';
import { FittedLinear } from '../../src/models/linear/fitted-linear.js';
import { concreteData, diamonds, efficiencyGap, fitModel } from './data.js';

const first = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

describe('sampling Shapley values', () => {
  const c = concreteData();
  const bg = pickBackground(c.train.X, 30, 9);

  for (const [kind, params] of [
    ['svr', {}],
    ['knn', {}],
  ] as const) {
    it(`${kind} on concrete: efficiency is exact; same seed → same values`, async () => {
      const m = await fitModel(kind, params, c);
      const X = takeRows(c.test.X, first(12));
      const e = explain(m, X, { background: bg, seed: 4 });
      assert.equal(e.method, 'sampling_shap');
      const fbg = m.predict(bg);
      const mean = fbg.reduce((a, b) => a + b, 0) / fbg.length;
      assert.ok(Math.abs(e.baseValue - mean) < 1e-9);
      assert.ok(efficiencyGap(e.baseValue, e.values, X.cols, m.predict(X)) < 1e-8);
      assert.deepEqual(explain(m, X, { background: bg, seed: 4 }).values, e.values);
      const other = explain(m, X, { background: bg, seed: 5 });
      assert.notDeepEqual(other.values, e.values);
      assert.ok(efficiencyGap(other.baseValue, other.values, X.cols, m.predict(X)) < 1e-8);
    });
  }

  it('needs a background, and says so', async () => {
    const m = await fitModel('knn', {}, c);
    assert.throws(
      () => explain(m, c.test.X),
      (e: unknown) => e instanceof ModelError && /background/.test(e.message),
    );
  });

  it('on a linear model it returns the exact interventional Shapley values', async () => {
    const m = await fitModel('linear', {}, c);
    assert.ok(m instanceof FittedLinear);
    const X = takeRows(c.test.X, first(5));
    const r = samplingShap(m, X, { background: bg, seed: 1, nSamples: 60 });
    const p = X.cols;
    for (let j = 0; j < p; j++) {
      let mj = 0;
      for (let b = 0; b < bg.rows; b++) mj += bg.data[b * p + j];
      mj /= bg.rows;
      for (let i = 0; i < X.rows; i++) {
        const want = m.coef[j] * (X.data[i * p + j] - mj);
        assert.ok(Math.abs(r.values[i * p + j] - want) < 1e-8 * (1 + Math.abs(want)), `row ${i} col ${j}`);
      }
    }
    assert.equal(r.nSamples, 60);
  });

  it('k-NN on diamonds: one-hot columns of an input move together (input Shapley values)', async () => {
    const d = diamonds('onehot', 2000);
    const m = await fitModel('knn', {}, d);
    const X = takeRows(d.test.X, first(6));
    const dbg = pickBackground(d.train.X, 20, 2);
    const e = explainInputs(m, X, d.features, { background: dbg, seed: 3 });
    assert.deepEqual([...e.names].sort(), [
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
    assert.ok(efficiencyGap(e.baseValue, e.values, 9, m.predict(X)) < 1e-8);
    // Price is driven by size: carat or a dimension carries the largest mean |attribution|.
    const meanAbs = e.names.map((_, g) => {
      let s = 0;
      for (let i = 0; i < e.rows; i++) s += Math.abs(e.values[i * 9 + g]);
      return s;
    });
    const top = e.names[meanAbs.indexOf(Math.max(...meanAbs))];
    assert.ok(['carat', 'x', 'y', 'z'].includes(top), `top input ${top}`);
  });

  it('pickBackground is seeded, distinct rows, capped at the data size', () => {
    const a = pickBackground(c.train.X, 25, 3);
    assert.deepEqual(pickBackground(c.train.X, 25, 3).data, a.data);
    assert.notDeepEqual(pickBackground(c.train.X, 25, 4).data, a.data);
    assert.equal(a.rows, 25);
    assert.equal(pickBackground(takeRows(c.train.X, first(10)), 25, 3).rows, 10);
    assert.throws(() => pickBackground(c.train.X, 0), /background_rows = 0/);
  });

  it('a background survives JSON (for an inference artifact), missing values included', () => {
    const a = pickBackground(c.train.X, 10, 3);
    a.data[3] = Number.NaN;
    const back = decodeBackground(JSON.parse(JSON.stringify(encodeBackground(a))));
    assert.deepEqual(back, a);
    assert.throws(
      () => decodeBackground({ rows: 3, cols: 2, data: encodeBackground(a).data }),
      /values for 3 rows/,
    );
  });
});
