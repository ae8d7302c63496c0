import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { ConfigError, ModelError } from '../../src/core/errors.js';
import { type Matrix, matrix, takeRows } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { mae, r2 } from '../../src/metrics/regression.js';
import '../../src/models/index.js';
import { createModel, loadModel } from '../../src/models/families.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import { friedman1 } from '../helpers/datasets.js';

const numeric = (p: number): FeatureInfo[] =>
  Array.from({ length: p }, (_, j) => ({ name: `x${j}`, kind: 'numeric', source: `x${j}` }));

function part(X: Matrix, y: Float64Array, from: number, to: number) {
  const idx = Uint32Array.from({ length: to - from }, (_, k) => from + k);
  return { X: takeRows(X, idx), y: y.slice(from, to) };
}

describe('gbdt', () => {
  const d = friedman1(4000, 10, 1, 21);
  const tr = part(d.X, d.y, 0, 2500);
  const va = part(d.X, d.y, 2500, 3000);
  const te = part(d.X, d.y, 3000, 4000);
  const ctx = { features: numeric(10), seed: 3 };

  it('learns Friedman #1 and puts the importance on the five informative features', async () => {
    const m = await createModel('gbdt', { max_iter: 200 }).fit(tr.X, tr.y, ctx);
    assert.ok(r2(te.y, m.predict(te.X)) > 0.9);
    const imp = m.featureImportances();
    const informative = imp.slice(0, 5).reduce((a, b) => a + b, 0);
    assert.ok(informative > 0.95, `informative share ${informative}`);
  });

  it('quantile loss predicts the requested quantile (coverage on held-out rows)', async () => {
    // Boosted quantiles overfit a little (train coverage ≈ q, held-out a few points less).
    const hi = await createModel('gbdt', { loss: 'quantile', quantile: 0.9, max_iter: 100 }).fit(
      tr.X,
      tr.y,
      ctx,
    );
    const lo = await createModel('gbdt', { loss: 'quantile', quantile: 0.1, max_iter: 100 }).fit(
      tr.X,
      tr.y,
      ctx,
    );
    const ph = hi.predict(te.X);
    const pl = lo.predict(te.X);
    let below = 0;
    let above = 0;
    for (let i = 0; i < te.y.length; i++) {
      if (te.y[i] <= ph[i]) below++;
      if (te.y[i] >= pl[i]) above++;
    }
    assert.ok(
      below / te.y.length > 0.75 && below / te.y.length < 0.97,
      `q0.9 coverage ${below / te.y.length}`,
    );
    assert.ok(
      above / te.y.length > 0.75 && above / te.y.length < 0.97,
      `q0.1 coverage ${above / te.y.length}`,
    );
  });

  it('absolute and huber losses resist gross outliers that pull squared loss away', async () => {
    const y = Float64Array.from(tr.y);
    const rng = new Rng(5);
    for (let i = 0; i < y.length; i++) if (rng.next() < 0.05) y[i] += 200 * (rng.next() < 0.5 ? -1 : 1);
    const errs: Record<string, number> = {};
    for (const loss of ['squared', 'absolute', 'huber']) {
      const m = await createModel('gbdt', { loss, max_iter: 150 }).fit(tr.X, y, ctx);
      errs[loss] = mae(te.y, m.predict(te.X));
    }
    assert.ok(errs.absolute < errs.squared * 0.8, JSON.stringify(errs));
    assert.ok(errs.huber < errs.squared * 0.8, JSON.stringify(errs));
  });

  it('stops early on the validation rows, keeps the best iteration and says so', async () => {
    const m = await createModel('gbdt', { max_iter: 2000, learning_rate: 0.5 }).fit(tr.X, tr.y, {
      ...ctx,
      val: va,
    });
    const json = m.toJSON() as { state: { trees: unknown[] } };
    assert.ok(json.state.trees.length < 2000);
    assert.ok(
      m.notes.some((s) => /stopped early at iteration \d+ of 2000/.test(s)),
      m.notes.join('; '),
    );
    const off = await createModel('gbdt', { max_iter: 30, early_stopping: 'false' }).fit(tr.X, tr.y, {
      ...ctx,
      val: va,
    });
    assert.equal((off.toJSON() as { state: { trees: unknown[] } }).state.trees.length, 30);
    await assert.rejects(
      createModel('gbdt', { early_stopping: 'true' }).fit(tr.X, tr.y, ctx),
      (e: unknown) => e instanceof ModelError && /early_stopping/.test((e as Error).message),
    );
  });

  it('hands over its VAL predictions, bit for bit what the returned model predicts', async () => {
    const cases = [
      { max_iter: 2000, learning_rate: 0.5 }, // stops early: fewer trees kept than grown
      { max_iter: 15 }, // still improving at the last iteration: every tree kept
      { max_iter: 20, loss: 'absolute' }, // leaves refitted to quantiles
      { max_iter: 20, subsample: 0.5 },
    ];
    for (const params of cases) {
      let got: Float64Array | undefined;
      const m = await createModel('gbdt', params).fit(tr.X, tr.y, {
        ...ctx,
        val: va,
        onValPredictions: (p) => {
          got = p;
        },
      });
      assert.deepEqual(got, m.predict(va.X), JSON.stringify(params));
    }
    // 2,500 validation rows: kept in the WebAssembly kernel's memory when it is on.
    const big = part(d.X, d.y, 1500, 4000);
    let resident: Float64Array | undefined;
    const m = await createModel('gbdt', { max_iter: 2000, learning_rate: 0.5 }).fit(
      part(d.X, d.y, 0, 1500).X,
      part(d.X, d.y, 0, 1500).y,
      {
        ...ctx,
        val: big,
        onValPredictions: (p) => {
          resident = p;
        },
      },
    );
    assert.deepEqual(resident, m.predict(big.X), '2,500 validation rows');
    let called = false;
    await createModel('gbdt', { max_iter: 10, early_stopping: 'false' }).fit(tr.X, tr.y, {
      ...ctx,
      val: va,
      onValPredictions: () => {
        called = true;
      },
    });
    assert.equal(called, false, 'no early stopping: VAL was never predicted');
  });

  it('is deterministic for a seed with row and column subsampling, and the seed matters', async () => {
    const params = { subsample: 0.7, colsample: 0.6, max_iter: 40 };
    const a = await createModel('gbdt', params).fit(tr.X, tr.y, ctx);
    const b = await createModel('gbdt', params).fit(tr.X, tr.y, ctx);
    const c = await createModel('gbdt', params).fit(tr.X, tr.y, { ...ctx, seed: 4 });
    assert.equal(stringifyArtifact(a.toJSON()), stringifyArtifact(b.toJSON()));
    assert.notEqual(stringifyArtifact(a.toJSON()), stringifyArtifact(c.toJSON()));
    assert.ok(r2(te.y, a.predict(te.X)) > 0.8);
    const back = loadModel(JSON.parse(stringifyArtifact(a.toJSON())));
    assert.deepEqual(back.predict(te.X), a.predict(te.X));
  });

  it('keeps the trees fitted so far when aborted, with a note, and reports progress', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const m = await createModel('gbdt', { max_iter: 500 }).fit(tr.X, tr.y, {
      ...ctx,
      signal: ac.signal,
      onProgress: (f) => {
        seen.push(f);
        if (seen.length === 7) ac.abort();
      },
    });
    assert.equal((m.toJSON() as { state: { trees: unknown[] } }).state.trees.length, 7);
    assert.ok(
      m.notes.some((s) => s.includes('time budget')),
      m.notes.join('; '),
    );
    assert.ok(seen.every((f, i) => i === 0 || f > seen[i - 1]));
    assert.ok(m.predict(te.X).every(Number.isFinite));
  });

  it('splits categorical codes natively: one split captures a non-monotone category effect', async () => {
    const n = 600;
    const rng = new Rng(9);
    const X = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = rng.int(8);
      X[i] = c;
      y[i] = ([1, 4, 6].includes(c) ? 5 : 0) + 0.1 * rng.normal();
    }
    const M = matrix(n, 1, X);
    const stump = { max_iter: 1, learning_rate: 1, max_leaves: 2, min_samples_leaf: 5 };
    const cat = await createModel('gbdt', stump).fit(M, y, {
      features: [{ name: 'c', kind: 'categorical', nCategories: 8, source: 'c' }],
      seed: 0,
    });
    const num = await createModel('gbdt', stump).fit(M, y, { features: numeric(1), seed: 0 });
    assert.ok(r2(y, cat.predict(M)) > 0.99);
    assert.ok(r2(y, num.predict(M)) < 0.5);
    // Unseen category codes and missing values still get finite predictions.
    assert.ok(cat.predict(matrix(2, 1, Float64Array.of(42, Number.NaN))).every(Number.isFinite));
  });

  it('trains on degenerate data: constant target, one row, constant and all-missing columns', async () => {
    const X = matrix(
      50,
      2,
      Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? Number.NaN : 3)),
    );
    const cst = await createModel('gbdt').fit(X, new Float64Array(50).fill(7), {
      features: numeric(2),
      seed: 0,
    });
    assert.deepEqual([...cst.predict(X)], new Array(50).fill(7));
    assert.ok(cst.notes.some((s) => s.includes('no split')));
    const one = await createModel('gbdt').fit(matrix(1, 2, Float64Array.of(1, 2)), Float64Array.of(5), {
      features: numeric(2),
      seed: 0,
    });
    assert.deepEqual([...one.predict(matrix(1, 2, Float64Array.of(0, 0)))], [5]);
    assert.deepEqual([...one.featureImportances()], [0, 0]);
  });

  it('rejects bad hyperparameters before training, naming parameter, value and range', () => {
    assert.throws(
      () => createModel('gbdt', { learning_rate: 0 }),
      (e: unknown) => e instanceof ConfigError && /learning_rate = 0/.test(e.message) && />/.test(e.message),
    );
    assert.throws(() => createModel('gbdt', { max_leaves: 1 }), /max_leaves = 1.*≥ 2/);
    assert.throws(() => createModel('gbdt', { loss: 'poisson' }), /squared, absolute, huber, quantile/);
    assert.throws(() => createModel('gbdt', { quantile: 1 }), /quantile = 1/);
  });
});
