/**
 * Edge cases of the linear family: constant columns, more columns than rows, a single feature
 * (against closed forms), a single row, bad input and params, non-convergence, abort, artifacts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArtifactError, ConfigError, ModelError, ValidationError } from '../../src/core/errors.js';
import { type Matrix, matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import '../../src/models/index.js';
import { r2 } from '../../src/metrics/regression.js';
import { createModel, getFamily, loadModel } from '../../src/models/families.js';
import type { FittedLinear } from '../../src/models/linear/index.js';
import { amesSubset } from '../fixtures/linear/fixtures.js';
import { concrete, friedman1, standardize } from '../helpers/datasets.js';

const KINDS = ['linear', 'ridge', 'lasso', 'elasticnet'] as const;
const ctx = { features: [], seed: 0 };
const fit = async (kind: string, X: Matrix, y: Float64Array, params: Record<string, unknown> = {}) =>
  (await createModel(kind, params).fit(X, y, ctx)) as FittedLinear;

/** X with a column of `value` inserted at position `at`. */
function withConstant(X: Matrix, at: number, value: number): Matrix {
  const p = X.cols + 1;
  const out = new Float64Array(X.rows * p);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0, k = 0; j < p; j++) out[i * p + j] = j === at ? value : X.data[i * X.cols + k++];
  }
  return matrix(X.rows, p, out);
}

describe('linear family: constant columns', () => {
  const c = concrete();
  const X = standardize(c.X);
  for (const kind of KINDS) {
    it(`${kind}: a constant column gets coefficient 0 and changes nothing else`, async () => {
      const base = await fit(kind, X, c.y);
      // 0.1 is not exact in binary: its rounded mean must still center to exact zeros.
      const Xk = withConstant(X, 3, 0.1);
      const m = await fit(kind, Xk, c.y);
      assert.equal(m.coef[3], 0);
      const rest = [...m.coef.subarray(0, 3), ...m.coef.subarray(4)];
      for (let j = 0; j < rest.length; j++)
        assert.ok(Math.abs(rest[j] - base.coef[j]) < 1e-9 * (1 + Math.abs(base.coef[j])));
      assert.ok(Math.abs(m.intercept - base.intercept) < 1e-9);
      assert.equal(m.featureImportances()[3], 0);
      assert.deepEqual(m.notes, []);
    });
  }
});

describe('linear family: more columns than rows', () => {
  const d = friedman1(12, 30, 1, 5);
  for (const kind of KINDS) {
    it(`${kind}: 12 rows × 30 columns gives finite coefficients`, async () => {
      const m = await fit(kind, d.X, d.y, kind === 'linear' ? {} : { alpha: 0.01 });
      assert.ok(m.coef.every(Number.isFinite));
      assert.ok(m.predict(d.X).every(Number.isFinite));
    });
  }
  it('linear interpolates the training rows with the minimum-norm solution and says rank 11', async () => {
    const m = await fit('linear', d.X, d.y);
    assert.ok(r2(d.y, m.predict(d.X)) > 1 - 1e-10);
    assert.match(m.notes[0], /rank 11 < 30/);
  });
});

describe('linear family: single feature against closed forms', () => {
  const rng = new Rng(3);
  const n = 200;
  const x = Float64Array.from({ length: n }, () => rng.normal() * 2 + 5);
  const y = Float64Array.from(x, (v) => 3 * v + 2 + rng.normal());
  const X = matrix(n, 1, x);
  const mx = x.reduce((a, b) => a + b) / n;
  const my = y.reduce((a, b) => a + b) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const soft = (z: number, t: number) => Math.sign(z) * Math.max(Math.abs(z) - t, 0);
  const cases: [string, Record<string, unknown>, number][] = [
    ['linear', {}, sxy / sxx],
    ['ridge', { alpha: 50 }, sxy / (sxx + 50)],
    ['lasso', { alpha: 0.7, tol: 1e-12 }, soft(sxy, n * 0.7) / sxx],
    ['elasticnet', { alpha: 0.7, l1_ratio: 0.3, tol: 1e-12 }, soft(sxy, n * 0.21) / (sxx + n * 0.49)],
    ['lasso', { alpha: 100 }, 0],
  ];
  for (const [kind, params, want] of cases) {
    it(`${kind} ${JSON.stringify(params)}: coefficient ${want.toFixed(4)}`, async () => {
      const m = await fit(kind, X, y, params);
      assert.ok(Math.abs(m.coef[0] - want) <= 1e-10 * Math.max(1, Math.abs(want)), `got ${m.coef[0]}`);
      assert.ok(Math.abs(m.intercept - (my - want * mx)) < 1e-9);
      assert.deepEqual(Array.from(m.featureImportances()), [want === 0 ? 0 : 1]);
    });
  }
});

describe('linear family: degenerate and bad input', () => {
  it('one training row: zero coefficients, intercept = y', async () => {
    for (const kind of KINDS) {
      const m = await fit(kind, matrix(1, 3, Float64Array.of(1, 2, 3)), Float64Array.of(7));
      assert.deepEqual(Array.from(m.coef), [0, 0, 0]);
      assert.equal(m.intercept, 7);
      assert.deepEqual(Array.from(m.predict(matrix(1, 3, Float64Array.of(4, 5, 6)))), [7]);
    }
  });

  it('a constant target: zero coefficients, intercept = the constant, no convergence warning', async () => {
    const d = friedman1(50, 6, 1, 2);
    const y = new Float64Array(50).fill(3.5);
    for (const kind of KINDS) {
      const m = await fit(kind, d.X, y);
      assert.ok(
        m.coef.every((w) => Math.abs(w) < 1e-12),
        kind,
      );
      assert.ok(Math.abs(m.intercept - 3.5) < 1e-12, kind);
      assert.deepEqual(m.notes, [], kind);
    }
  });

  it('a missing value in X is a ValidationError naming the cell', async () => {
    const X = matrix(3, 2, Float64Array.of(1, 2, 3, Number.NaN, 5, 6));
    await assert.rejects(
      fit('ridge', X, Float64Array.of(1, 2, 3)),
      (e: unknown) => e instanceof ValidationError && /X\[1, 1\] = NaN/.test(e.message),
    );
  });

  it('out-of-range params are ConfigErrors naming the parameter and the value', () => {
    assert.throws(
      () => createModel('ridge', { alpha: -1 }),
      (e: unknown) => e instanceof ConfigError && /alpha = -1/.test(e.message),
    );
    assert.throws(
      () => createModel('elasticnet', { l1_ratio: 1.5, max_iter: 2.5 }),
      (e: unknown) => e instanceof ConfigError && e.issues.length === 2 && /l1_ratio = 1.5/.test(e.message),
    );
    assert.throws(() => createModel('lasso', { l1_ratio: 0.5 }), /l1_ratio/);
  });

  it('more features than a dense solve handles is a ModelError that says what to do', async () => {
    await assert.rejects(
      fit('ridge', matrix(2, 5001), Float64Array.of(1, 2)),
      (e: unknown) => e instanceof ModelError && /5001 features/.test(e.message) && /one-hot/.test(e.message),
    );
  });

  it('ridge with alpha 0 on a collinear design falls back to the minimum-norm solve', async () => {
    const a = amesSubset();
    const m = await fit('ridge', a.X, a.y, { alpha: 0 });
    const ols = await fit('linear', a.X, a.y);
    assert.ok(m.coef.every(Number.isFinite));
    assert.match(m.notes[0], /singular/);
    assert.ok(Math.abs(r2(a.y, m.predict(a.X)) - r2(a.y, ols.predict(a.X))) < 1e-8);
  });
});

describe('linear family: coordinate descent control', () => {
  const a = amesSubset();
  it('says when it stops at max_iter before converging', async () => {
    const m = await fit('lasso', a.X, a.y, { alpha: 0.1, max_iter: 3 });
    assert.equal(m.notes.length, 1);
    assert.match(m.notes[0], /did not converge in max_iter = 3 epochs/);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    ac.abort(new Error('budget exceeded'));
    for (const kind of KINDS) {
      await assert.rejects(createModel(kind).fit(a.X, a.y, { ...ctx, signal: ac.signal }), /budget exceeded/);
    }
  });

  it('reports progress up to 1', async () => {
    const seen: number[] = [];
    await createModel('lasso').fit(a.X, a.y, { ...ctx, onProgress: (f) => seen.push(f) });
    assert.ok(seen.length >= 2);
    assert.equal(seen.at(-1), 1);
    assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1])));
  });
});

describe('linear family: importances and artifacts', () => {
  const c = concrete();
  it('importances are |coef| × training std, normalised', async () => {
    const m = await fit('ridge', c.X, c.y); // raw units, so the std factor matters
    const imp = m.featureImportances();
    const raw = Array.from(m.coef, (w, j) => {
      let s = 0;
      let mean = 0;
      for (let i = 0; i < c.X.rows; i++) mean += c.X.data[i * c.X.cols + j];
      mean /= c.X.rows;
      for (let i = 0; i < c.X.rows; i++) s += (c.X.data[i * c.X.cols + j] - mean) ** 2;
      return Math.abs(w) * Math.sqrt(s / c.X.rows);
    });
    const total = raw.reduce((x, y) => x + y);
    for (let j = 0; j < raw.length; j++) assert.ok(Math.abs(imp[j] - raw[j] / total) < 1e-12);
  });

  it('a model that found nothing has all-zero importances', async () => {
    const m = await fit('lasso', standardize(c.X), c.y, { alpha: 1e6 });
    assert.ok(m.coef.every((w) => w === 0));
    assert.ok(m.featureImportances().every((v) => v === 0));
  });

  it('loading rejects a newer format, a wrong kind and a broken state with ArtifactErrors', async () => {
    const json = (await fit('lasso', standardize(c.X), c.y)).toJSON();
    assert.throws(
      () => loadModel({ ...json, formatVersion: 2 }),
      (e: unknown) => e instanceof ArtifactError,
    );
    assert.throws(
      () => getFamily('ridge').load(json),
      (e: unknown) => e instanceof ArtifactError && e.code === 'wrong_kind',
    );
    assert.throws(
      () => loadModel({ ...json, state: { ...(json.state as object), coef: [1, 2] } }),
      (e: unknown) => e instanceof ArtifactError && /lasso\.state\.coef/.test(e.message),
    );
    assert.throws(
      () => loadModel({ ...json, params: { alpha: 'big' } }),
      (e: unknown) => e instanceof ConfigError && /alpha/.test(e.message),
    );
  });
});
