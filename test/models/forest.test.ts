/**
 * random_forest and extra_trees: the conformance suite, then forest behaviour — out-of-bag R²
 * tracks test R², thread count never changes the model, bootstrap / max_features / max_samples /
 * min_samples_leaf / max_depth do what they say, importances find the informative features, and
 * bad parameters and degenerate data give clear outcomes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { ConfigError } from '../../src/core/errors.js';
import { type Matrix, matrix, takeRows } from '../../src/core/matrix.js';
import { r2 } from '../../src/metrics/regression.js';
import { FittedForest } from '../../src/models/forest/index.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import { treeDepth } from '../../src/models/tree/predictor.js';
import { concrete, friedman1, splitIdx } from '../helpers/datasets.js';
import { conformance } from './conformance.js';

conformance('random_forest', { minR2: 0.85, params: { n_estimators: 20 }, kernels: true });
conformance('extra_trees', { minR2: 0.85, params: { n_estimators: 20 }, kernels: true });

const numeric = (p: number): FeatureInfo[] =>
  Array.from({ length: p }, (_, j) => ({ name: `x${j}`, kind: 'numeric', source: `x${j}` }));

async function fit(kind: string, params: Record<string, unknown>, X: Matrix, y: Float64Array, threads = 1) {
  const m = await createModel(kind, params).fit(X, y, { features: numeric(X.cols), seed: 11, threads });
  assert.ok(m instanceof FittedForest);
  return m;
}

describe('forests on Friedman #1', () => {
  const train = friedman1(1500, 10, 1, 1);
  const test = friedman1(1000, 10, 1, 2);

  it('out-of-bag R² is close to test R², and both are good', async () => {
    const m = await fit('random_forest', { n_estimators: 60 }, train.X, train.y);
    const testR2 = r2(test.y, m.predict(test.X));
    assert.ok(testR2 > 0.85, `test R² ${testR2}`);
    assert.ok(Math.abs(m.oobScore - testR2) < 0.03, `OOB R² ${m.oobScore} vs test R² ${testR2}`);
    // Rows left out of at least one of 60 bootstraps: essentially all of them.
    assert.ok(m.state.oobRows > 0.99 * train.X.rows);
    assert.match(m.notes.join('\n'), /out-of-bag R² 0\.\d{4} on \d+ training rows/);
    const back = m.toJSON().state as { oobScore: number };
    assert.equal(back.oobScore, m.oobScore);
  });

  it('out-of-bag R² on concrete is close to its test R²', async () => {
    const c = concrete();
    const { train: tr, test: te } = splitIdx(c.X.rows, 0.25, 5);
    const ytr = Float64Array.from(tr, (i) => c.y[i]);
    const m = await fit('random_forest', { n_estimators: 60 }, takeRows(c.X, tr), ytr);
    const testR2 = r2(
      Float64Array.from(te, (i) => c.y[i]),
      m.predict(takeRows(c.X, te)),
    );
    assert.ok(
      testR2 > 0.85 && Math.abs(m.oobScore - testR2) < 0.04,
      `OOB R² ${m.oobScore} vs test ${testR2}`,
    );
  });

  it('builds the identical model on 1 and 2 threads', async () => {
    for (const kind of ['random_forest', 'extra_trees']) {
      const params = { n_estimators: 12, max_features: 0.5 };
      const a = await fit(kind, { ...params, n_jobs: 1 }, train.X, train.y, 2);
      const b = await fit(kind, { ...params, n_jobs: 2 }, train.X, train.y, 2);
      const json = stringifyArtifact(a.toJSON());
      assert.ok(
        json === stringifyArtifact(b.toJSON()),
        `${kind}: model JSON differs between 1 and 2 threads`,
      );
    }
  });

  it('finds the informative features (x0..x4) and not the noise (x5..x9)', async () => {
    for (const kind of ['random_forest', 'extra_trees']) {
      const imp = (await fit(kind, { n_estimators: 20 }, train.X, train.y)).featureImportances();
      const noise = imp.slice(5).reduce((s, v) => s + v, 0);
      assert.ok(noise < 0.1, `${kind}: noise features carry ${noise}`);
      for (let j = 0; j < 5; j++) assert.ok(imp[j] > Math.max(...imp.slice(5)), `${kind}: x${j} ${imp[j]}`);
    }
  });

  it('extra trees learn Friedman #1 as well as a random forest', async () => {
    const rf = await fit('random_forest', { n_estimators: 30 }, train.X, train.y);
    const et = await fit('extra_trees', { n_estimators: 30 }, train.X, train.y);
    const sRf = r2(test.y, rf.predict(test.X));
    const sEt = r2(test.y, et.predict(test.X));
    assert.ok(sEt > sRf - 0.03, `extra trees ${sEt} vs forest ${sRf}`);
    assert.ok(Number.isNaN(et.oobScore), 'no out-of-bag score without bootstrap');
    assert.deepEqual(et.notes, []);
  });
});

describe('forest parameters', () => {
  const d = friedman1(400, 6, 0.5, 3);
  const n = d.X.rows;

  it('bootstrap: each tree sees about 63% distinct rows; without it every tree sees all rows', async () => {
    const boot = await fit('random_forest', { n_estimators: 10 }, d.X, d.y);
    for (const t of boot.state.trees) {
      const distinct = t.count[0];
      assert.ok(distinct > 0.55 * n && distinct < 0.7 * n, `root holds ${distinct} of ${n} rows`);
    }
    const all = await fit('random_forest', { n_estimators: 3, bootstrap: false, oob_score: false }, d.X, d.y);
    for (const t of all.state.trees) assert.equal(t.count[0], n);
    // No bootstrap, all features, best splits: nothing random is left, every tree is the same.
    const json = all.toJSON().state as { trees: unknown[] };
    assert.deepEqual(json.trees[1], json.trees[0]);
    assert.deepEqual(json.trees[2], json.trees[0]);
  });

  it('extra trees without bootstrap still differ tree to tree (random thresholds)', async () => {
    const et = await fit('extra_trees', { n_estimators: 3 }, d.X, d.y);
    const json = et.toJSON().state as { trees: unknown[] };
    assert.notDeepEqual(json.trees[1], json.trees[0]);
    for (const t of et.state.trees) assert.equal(t.count[0], n);
  });

  it('max_features: fewer candidates per split make the root feature vary across trees', async () => {
    const roots = async (max_features: number | string) => {
      const m = await fit(
        'random_forest',
        { n_estimators: 30, bootstrap: false, oob_score: false, max_features },
        d.X,
        d.y,
      );
      return new Set(m.state.trees.map((t) => t.feature[0]));
    };
    assert.equal((await roots(1)).size, 1);
    assert.ok((await roots('log2')).size >= 3, 'log2(6) = 2 candidates per split');
    assert.ok((await roots(2)).size >= 3, 'an integer count of 2');
  });

  it('max_samples bounds the bootstrap; min_samples_leaf and max_depth bound the trees', async () => {
    const m = await fit(
      'random_forest',
      { n_estimators: 5, max_samples: 0.25, min_samples_leaf: 4 },
      d.X,
      d.y,
    );
    for (const t of m.state.trees) {
      assert.ok(t.count[0] <= 100, `root holds ${t.count[0]} > 100 rows`);
      for (let i = 0; i < t.feature.length; i++) if (t.feature[i] < 0) assert.ok(t.count[i] >= 4);
    }
    const shallow = await fit('extra_trees', { n_estimators: 5, max_depth: 3 }, d.X, d.y);
    for (const t of shallow.state.trees) assert.ok(treeDepth(t) <= 3);
    const deep = await fit('extra_trees', { n_estimators: 2 }, d.X, d.y);
    assert.ok(treeDepth(deep.state.trees[0]) > 6);
  });

  it('rejects bad values naming the parameter, the value and the rule', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['random_forest', { max_features: 1.5 }, /max_features = 1\.5.*fraction in \(0, 1\] or an integer/],
      ['random_forest', { max_features: 0 }, /max_features = 0/],
      ['random_forest', { max_features: 'half' }, /max_features = "half"/],
      ['random_forest', { n_estimators: 0 }, /n_estimators = 0/],
      ['random_forest', { min_samples_leaf: 0.5 }, /min_samples_leaf = 0\.5/],
      ['random_forest', { max_bins: 256 }, /max_bins = 256/],
      ['random_forest', { bootstrap: false }, /oob_score = true needs bootstrap = true/],
      ['extra_trees', { max_samples: 0.5 }, /max_samples = 0\.5 needs bootstrap = true/],
      ['extra_trees', { oob_score: true }, /oob_score = true needs bootstrap/],
    ];
    for (const [kind, params, re] of bad) {
      assert.throws(
        () => createModel(kind, params),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
        `${kind} ${JSON.stringify(params)}`,
      );
    }
  });
});

describe('forest fits on threads', () => {
  const d = friedman1(600, 6, 0.5, 4);

  it('reports progress up to 1 and stops when aborted', async () => {
    for (const threads of [1, 2]) {
      const seen: number[] = [];
      const ctx = { features: numeric(6), seed: 1, threads, onProgress: (f: number) => seen.push(f) };
      await createModel('extra_trees', { n_estimators: 16 }).fit(d.X, d.y, ctx);
      assert.ok(seen.length >= 2 && seen[seen.length - 1] === 1, `progress ${seen}`);
      assert.ok(
        seen.every((v, i) => i === 0 || v > seen[i - 1]),
        'progress increases',
      );
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(
        createModel('random_forest', { n_estimators: 16 }).fit(d.X, d.y, { ...ctx, signal: ac.signal }),
        (e: unknown) => (e as Error).name === 'AbortError',
      );
    }
  });
});

describe('forests on degenerate data', () => {
  it('one row, a constant target, constant and all-missing columns: finite predictions', async () => {
    const one = await fit(
      'random_forest',
      { n_estimators: 3 },
      matrix(1, 2, Float64Array.of(1, 2)),
      Float64Array.of(5),
    );
    assert.deepEqual(one.predict(matrix(2, 2, Float64Array.of(0, 0, Number.NaN, 9))), Float64Array.of(5, 5));
    const X = matrix(50, 3, new Float64Array(150));
    for (let i = 0; i < 50; i++) {
      X.data[i * 3] = i;
      X.data[i * 3 + 1] = 7;
      X.data[i * 3 + 2] = Number.NaN;
    }
    for (const kind of ['random_forest', 'extra_trees']) {
      const c = await fit(kind, { n_estimators: 4 }, X, new Float64Array(50).fill(3));
      assert.ok(
        c.predict(X).every((v) => v === 3),
        `${kind}: constant target predicted exactly`,
      );
      assert.deepEqual(c.featureImportances(), new Float64Array(3));
      const y = Float64Array.from({ length: 50 }, (_, i) => (i < 25 ? 0 : 10));
      const s = await fit(kind, { n_estimators: 4 }, X, y);
      const imp = s.featureImportances();
      assert.ok(imp[0] === 1 && imp[1] === 0 && imp[2] === 0, `${kind}: only x0 is used`);
      assert.ok(s.predict(X).every(Number.isFinite));
    }
  });
});
