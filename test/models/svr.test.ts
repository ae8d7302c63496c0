import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { ConfigError, ModelError, ValidationError } from '../../src/core/errors.js';
import { fromRows, type Matrix, takeRows } from '../../src/core/matrix.js';
import '../../src/models/index.js';
import { r2 } from '../../src/metrics/regression.js';
import { createModel, loadModel } from '../../src/models/families.js';
import type { FittedSvr } from '../../src/models/svr/fitted.js';
import { friedman1, splitIdx } from '../helpers/datasets.js';
import { conformance } from './conformance.js';

// Standardised concrete: RBF ε-SVR with a scaled target scores ~0.81 (C=1) on this split.
conformance('svr', { minR2: 0.75 });
// The linear kernel is an ε-insensitive (robust) linear fit: ~0.42 here, below least squares.
conformance('svr', { minR2: 0.38, params: { kernel: 'linear' } });
// Nyström path (max_rows below the 824 training rows).
conformance('svr', {
  minR2: 0.75,
  params: { max_rows: 300, approximation: 'nystroem', nystroem_components: 200 },
});

const ctx = { features: [], seed: 1 };

async function fitSvr(params: Record<string, unknown>, X: Matrix, y: Float64Array, c: object = ctx) {
  return (await createModel('svr', params).fit(X, y, { ...ctx, ...c })) as FittedSvr;
}

interface Fixture {
  Xtrain: number[][];
  ytrain: number[];
  Xtest: number[][];
  cases: {
    params: Record<string, unknown>;
    gamma: number;
    intercept: number;
    n_support: number;
    objective: number;
    pred: number[];
  }[];
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('svr matches scikit-learn SVR on a committed fixture (concrete, 400 rows)', () => {
  const fx: Fixture = JSON.parse(
    readFileSync(new URL('../fixtures/svr/concrete.json', import.meta.url), 'utf8'),
  );
  const Xtr = fromRows(fx.Xtrain);
  const Xte = fromRows(fx.Xtest);
  const y = Float64Array.from(fx.ytrain);
  for (const c of fx.cases) {
    it(`${JSON.stringify(c.params)}: dual objective, support set and predictions`, async () => {
      const m = await fitSvr(c.params, Xtr, y);
      assert.ok(rel(m.state.kernel.gamma, c.gamma) < 1e-12, `gamma ${m.state.kernel.gamma} vs ${c.gamma}`);
      assert.ok(
        rel(m.state.objective, c.objective) < 1e-5,
        `objective ${m.state.objective} vs ${c.objective}`,
      );
      // Exact ties are broken in another variable order than libsvm's: the support set may
      // differ by a vector or two with near-zero coefficients.
      assert.ok(Math.abs(m.nSupport - c.n_support) <= 2, `${m.nSupport} support vectors vs ${c.n_support}`);
      assert.ok(
        Math.abs(m.state.intercept - c.intercept) < 1e-3,
        `intercept ${m.state.intercept} vs ${c.intercept}`,
      );
      const p = m.predict(Xte);
      let worst = 0;
      for (let i = 0; i < p.length; i++) worst = Math.max(worst, rel(p[i], c.pred[i]));
      assert.ok(worst < 1e-3, `max relative prediction difference ${worst}`);
    });
  }

  it('a 2-row kernel cache and no shrinking reach the same solution', async () => {
    const base = await fitSvr({}, Xtr, y);
    const small = await fitSvr({ cache_mb: 0.001, shrinking: false }, Xtr, y);
    assert.ok(rel(small.state.objective, base.state.objective) < 1e-6);
    const a = base.predict(Xte);
    const b = small.predict(Xte);
    for (let i = 0; i < a.length; i++) assert.ok(rel(b[i], a[i]) < 1e-3);
  });
});

describe('svr above max_rows', () => {
  const d = friedman1(1500, 10, 1, 3);
  const { train, test } = splitIdx(d.X.rows, 0.2, 4);
  const Xtr = takeRows(d.X, train);
  const Xte = takeRows(d.X, test);
  const ytr = Float64Array.from(train, (i) => d.y[i]);
  const yte = Float64Array.from(test, (i) => d.y[i]);
  let exactFit: Promise<FittedSvr> | null = null;
  const exactC10 = () => {
    exactFit ??= fitSvr({ C: 10 }, Xtr, ytr);
    return exactFit;
  };

  it('RBF switches to Nyström, says so, and gives a sensible fit', async () => {
    const exact = await exactC10();
    const approx = await fitSvr(
      { C: 10, max_rows: 1000, approximation: 'nystroem', nystroem_components: 300 },
      Xtr,
      ytr,
    );
    assert.equal(exact.notes.length, 0);
    assert.equal(approx.state.method, 'nystroem');
    assert.match(
      approx.notes[0],
      /kernel SVR on 1,200 rows exceeds max_rows=1000: used Nyström approximation with 300 components/,
    );
    const rExact = r2(yte, exact.predict(Xte));
    const rApprox = r2(yte, approx.predict(Xte));
    // Measured: exact 0.916; 300 landmarks (a quarter of the rows, 10 dims) 0.856–0.877 by seed.
    assert.ok(rExact > 0.9, `exact R² ${rExact}`);
    assert.ok(rApprox > 0.83 && rApprox > rExact - 0.08, `Nyström R² ${rApprox} vs exact ${rExact}`);
    const back = loadModel(JSON.parse(stringifyArtifact(approx.toJSON())));
    assert.deepEqual(back.predict(Xte), approx.predict(Xte));
    assert.deepEqual(back.notes, approx.notes);
  });

  it('Nyström with every row as a landmark reproduces exact kernel SVR', async () => {
    const s = friedman1(500, 5, 1, 9);
    const Xs = takeRows(
      s.X,
      Array.from({ length: 400 }, (_, i) => i),
    );
    const Xq = takeRows(
      s.X,
      Array.from({ length: 100 }, (_, i) => 400 + i),
    );
    const ys = s.y.slice(0, 400);
    const a = (await fitSvr({ C: 10 }, Xs, ys)).predict(Xq);
    const b = (
      await fitSvr({ C: 10, max_rows: 300, approximation: 'nystroem', nystroem_components: 400 }, Xs, ys)
    ).predict(Xq);
    // Differences left come from DCD's relative stopping rule (1%) and the regularised bias.
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < 0.25, `max |Δ| ${worst} on a target with sd ≈ 5`);
    const yq = s.y.slice(400);
    assert.ok(Math.abs(r2(yq, a) - r2(yq, b)) < 0.003);
  });

  it("approximation 'subsample' fits exact SVR on max_rows seeded rows and says so", async () => {
    const sub = await fitSvr({ C: 10, max_rows: 1000, approximation: 'subsample' }, Xtr, ytr);
    assert.equal(sub.state.method, 'smo');
    assert.match(
      sub.notes[0],
      /1,200 rows exceeds max_rows=1000: fitted exact SVR on a seeded random subsample of 1,000 rows/,
    );
    const again = await fitSvr({ C: 10, max_rows: 1000, approximation: 'subsample' }, Xtr, ytr);
    assert.deepEqual(again.predict(Xte), sub.predict(Xte));
    assert.ok(r2(yte, sub.predict(Xte)) > 0.88);
  });

  it('linear kernel switches to dual coordinate descent with the same optimum', async () => {
    const smo = await fitSvr({ kernel: 'linear' }, Xtr, ytr);
    const dcd = await fitSvr({ kernel: 'linear', max_rows: 1000 }, Xtr, ytr);
    assert.equal(dcd.state.method, 'linear_dcd');
    assert.match(dcd.notes[0], /linear-kernel SVR on 1,200 rows exceeds max_rows=1000/);
    assert.ok(Math.abs(r2(yte, dcd.predict(Xte)) - r2(yte, smo.predict(Xte))) < 0.005);
  });
});

describe('svr honours an AbortSignal', () => {
  const d = friedman1(4000, 10, 1, 8);

  it('stops a long SMO run with a ModelError', async () => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('time budget of 0.1 s exceeded')), 100);
    const t0 = performance.now();
    await assert.rejects(
      fitSvr({ C: 1000, tol: 1e-6 }, d.X, d.y, { signal: ac.signal }),
      (e: unknown) =>
        e instanceof ModelError &&
        /svr: training aborted after \d+ SMO iterations.*time budget/.test(e.message),
    );
    clearTimeout(timer);
    assert.ok(performance.now() - t0 < 2000, 'abort is prompt');
  });

  it('fails at once when already aborted', async () => {
    await assert.rejects(fitSvr({}, d.X, d.y, { signal: AbortSignal.abort() }), /aborted before it started/);
  });
});

describe('svr parameters, degenerate data and importances', () => {
  it('rejects bad parameters naming them', () => {
    assert.throws(
      () => createModel('svr', { kernel: 'poly' }),
      (e: unknown) => e instanceof ConfigError && /rbf, linear/.test(e.message),
    );
    assert.throws(() => createModel('svr', { C: 0 }), /params\.C = 0/);
    assert.throws(() => createModel('svr', { gamma: 'auto' }), /params\.gamma = "auto"/);
  });

  it('constant target, one row and constant features predict the constant', async () => {
    const X = fromRows([
      [1, 2],
      [3, 2],
      [5, 2],
    ]);
    const m = await fitSvr({}, X, Float64Array.from([7, 7, 7]));
    assert.deepEqual(
      [
        ...m.predict(
          fromRows([
            [2, 2],
            [100, -3],
          ]),
        ),
      ],
      [7, 7],
    );
    const one = await fitSvr({}, fromRows([[1, 1]]), Float64Array.from([4]));
    assert.deepEqual([...one.predict(fromRows([[0, 0]]))], [4]);
    const flat = await fitSvr({}, fromRows([[1], [1], [1], [1]]), Float64Array.from([1, 2, 3, 4]));
    assert.ok(flat.predict(fromRows([[1]])).every((v) => Number.isFinite(v) && v > 1 && v < 4));
  });

  it('says so when SMO stops at max_iter', async () => {
    const d = friedman1(300, 5, 1, 2);
    const m = await fitSvr({ max_iter: 10 }, d.X, d.y);
    assert.equal(m.state.iterations, 10);
    assert.match(m.notes.join('\n'), /SMO stopped at max_iter=10 before reaching tol=0.001/);
    assert.ok(m.predict(d.X).every(Number.isFinite));
  });

  it('rejects missing values', async () => {
    await assert.rejects(
      createModel('svr').fit(fromRows([[Number.NaN]]), Float64Array.from([1]), ctx),
      ValidationError,
    );
  });

  it('importances rank the Friedman #1 signal features above the noise features', async () => {
    const d = friedman1(600, 8, 0.5, 11);
    for (const kernel of ['rbf', 'linear']) {
      const m = await fitSvr({ kernel, C: 10 }, d.X, d.y);
      const imp = m.featureImportances();
      // x3 (10·x) is strong in both; x5..x7 are pure noise.
      for (const noise of [5, 6, 7])
        assert.ok(imp[3] > 3 * imp[noise], `${kernel}: ${[...imp].map((v) => v.toFixed(3))}`);
      assert.ok(Math.abs(imp.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    }
  });
});
