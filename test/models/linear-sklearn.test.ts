/**
 * Coefficients and intercepts equal scikit-learn 1.2.1's (LinearRegression, Ridge, Lasso,
 * ElasticNet) to 1e-6 relative on the same matrices: concrete standardised (all rows) and a
 * one-hot ames subset. At sklearn's default tol too: equal coefficients there mean the same iterates
 * and the same stopping epoch. Expected numbers: bench/fixtures/make_linear_fixtures.py.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Matrix, matrix } from '../../src/core/matrix.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import type { FittedLinear } from '../../src/models/linear/index.js';
import { amesSubset, type ExpectedFit, expected, maxRelDiff } from '../fixtures/linear/fixtures.js';
import { concrete, standardize } from '../helpers/datasets.js';

const TOL = 1e-6;
const exp = expected();
const ctx = { features: [], seed: 0 };

function dropColumns(X: Matrix, drop: readonly number[]): Matrix {
  const keep: number[] = [];
  for (let j = 0; j < X.cols; j++) if (!drop.includes(j)) keep.push(j);
  const out = new Float64Array(X.rows * keep.length);
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < keep.length; k++) out[i * keep.length + k] = X.data[i * X.cols + keep[k]];
  }
  return matrix(X.rows, keep.length, out);
}

async function check(name: string, X: Matrix, y: Float64Array, want: ExpectedFit): Promise<void> {
  const kind = name.split('_')[0];
  const m = (await createModel(kind, want.params).fit(X, y, ctx)) as FittedLinear;
  assert.equal(m.coef.length, want.coef.length);
  const rel = maxRelDiff(m.coef, want.coef);
  assert.ok(rel < TOL, `${name}: max relative coefficient difference ${rel.toExponential(2)}`);
  const di = Math.abs(m.intercept - want.intercept) / Math.abs(want.intercept);
  assert.ok(di < TOL, `${name}: intercept ${m.intercept} vs sklearn ${want.intercept}`);
  // Exact zeros of the L1 path match too (soft thresholding, not small numbers).
  for (let j = 0; j < want.coef.length; j++) {
    assert.equal(m.coef[j] === 0, want.coef[j] === 0, `${name}: zero pattern differs at ${j}`);
  }
  assert.deepEqual(m.notes, [], `${name}: converged without notes`);
}

describe(`linear models match scikit-learn ${exp.sklearn}`, () => {
  const c = concrete();
  const Xc = standardize(c.X);
  for (const [name, want] of Object.entries(exp.concrete)) {
    it(`concrete: ${name} ${JSON.stringify(want.params)}`, () => check(name, Xc, c.y, want));
  }

  const a = amesSubset();
  it('reads the ames subset with the shape sklearn saw', () => {
    assert.deepEqual([a.X.rows, a.X.cols], (exp.ames_subset as unknown as { shape: number[] }).shape);
  });
  for (const name of [
    'ridge',
    'lasso',
    'elasticnet',
    'elasticnet_l2',
    'lasso_default_tol',
    'elasticnet_default_tol',
  ]) {
    const want = exp.ames_subset[name];
    it(`ames one-hot subset: ${name} ${JSON.stringify(want.params)}`, () => check(name, a.X, a.y, want));
  }
  it('ames one-hot subset, first level dropped (full rank): linear', () => {
    const want = exp.ames_subset.linear_drop_first;
    return check('linear', dropColumns(a.X, want.dropped_columns), a.y, want);
  });

  it('OLS on the full one-hot subset (not unique) fits as well as the full-rank design', async () => {
    const want = exp.ames_subset.linear_drop_first;
    const m = (await createModel('linear').fit(a.X, a.y, ctx)) as FittedLinear;
    const full = (await createModel('linear').fit(
      dropColumns(a.X, want.dropped_columns),
      a.y,
      ctx,
    )) as FittedLinear;
    // Same column space, so the same fitted values.
    const p1 = m.predict(a.X);
    const p2 = full.predict(dropColumns(a.X, want.dropped_columns));
    let worst = 0;
    for (let i = 0; i < p1.length; i++) worst = Math.max(worst, Math.abs(p1[i] - p2[i]));
    assert.ok(worst < 1e-8, `fitted values differ by ${worst}`);
    assert.equal(m.notes.length, 1);
    assert.match(m.notes[0], /rank 51 < 57/);
  });
});
