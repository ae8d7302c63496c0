/**
 * Greedy ensemble selection: a case checked by hand (ties to the lowest index, the best prefix
 * kept, non-finite members skipped), and out-of-fold predictions of six families on concrete.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ModelError } from '../../src/core/errors.js';
import { takeRows } from '../../src/core/matrix.js';
import { METRICS, r2, rmse } from '../../src/metrics/regression.js';
import '../../src/models/index.js';
import { foldsOf } from '../../src/models/ensemble/fit-ensemble.js';
import { blendPredictions, greedyEnsembleSelection } from '../../src/models/ensemble/greedy-selection.js';
import { createModel } from '../../src/models/families.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import { concrete, standardize } from '../helpers/datasets.js';

const f64 = (...v: number[]) => Float64Array.from(v);
const close = (got: Float64Array, want: number[]) => {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) < 1e-12, `scores[${i}] = ${got[i]}, expected ${want[i]}`);
  }
};

describe('greedyEnsembleSelection by hand', () => {
  // y = [1, −1]; A = y + 1, B = y − 1 (the same error, opposite signs), C = y + 2, D not finite.
  const y = f64(1, -1);
  const A = f64(2, 0);
  const B = f64(0, -2);
  const C = f64(3, 1);
  const D = f64(Number.NaN, 0);

  it('adds A (tie with B: lowest index), then B (their mean is y), then alternates; keeps the best prefix', () => {
    // rmse after each addition: {A} 1, {A,B} 0, {A,B,A} 1/3, {A,B,A,B} 0, {A,B,A,B,A} 1/5.
    const s = greedyEnsembleSelection([A, B, C, D], y, { iterations: 5, metric: METRICS.rmse });
    close(s.scores, [1, 0, 1 / 3, 0, 0.2]);
    assert.equal(s.kept, 2);
    assert.deepEqual([...s.counts], [1, 1, 0, 0]);
    assert.deepEqual([...s.weights], [0.5, 0.5, 0, 0]);
    assert.deepEqual(s.skipped, [3]);
    assert.deepEqual([...blendPredictions([A, B, C, D], s.weights)], [...y]);
  });

  it('follows the metric direction: r2 (greater is better) makes the same choices', () => {
    const s = greedyEnsembleSelection([A, B, C], y, { iterations: 3 });
    close(s.scores, [0, 1, 1 - 1 / 9]);
    assert.deepEqual([...s.weights], [0.5, 0.5, 0]);
  });

  it('ties go to the lowest index: B before A when B comes first', () => {
    const s = greedyEnsembleSelection([B, A], y, { iterations: 1, metric: METRICS.mae });
    assert.deepEqual([...s.counts], [1, 0]);
  });

  it('fails clearly when no member is usable or shapes disagree', () => {
    assert.throws(
      () => greedyEnsembleSelection([D], y),
      (e: unknown) => e instanceof ModelError && /none of the 1 members/.test(e.message),
    );
    assert.throws(() => greedyEnsembleSelection([f64(1)], y), /preds\[0\] has 1 values but y has 2/);
    assert.throws(() => greedyEnsembleSelection([A], y, { iterations: 0 }), /iterations = 0/);
  });
});

describe('greedyEnsembleSelection on concrete out-of-fold predictions', () => {
  const d = concrete();
  const X = standardize(d.X);
  const features: FeatureInfo[] = d.names.map((name) => ({ name, kind: 'numeric', source: name }));
  const members: [string, Record<string, unknown>][] = [
    ['ridge', {}],
    ['knn', {}],
    ['tree', { max_depth: 8 }],
    ['gbdt', { max_iter: 100 }],
    ['random_forest', { n_estimators: 30 }],
    ['svr', {}],
  ];
  const oof: Float64Array[] = [];

  before(async () => {
    const folds = foldsOf(X.rows, 5, 1);
    for (const [kind, params] of members) {
      const o = new Float64Array(X.rows);
      for (const f of folds) {
        const m = await createModel(kind, params).fit(
          takeRows(X, f.fit),
          Float64Array.from(f.fit, (i) => d.y[i]),
          { features, seed: 1, threads: 1 },
        );
        const p = m.predict(takeRows(X, f.held));
        f.held.forEach((i, q) => {
          o[i] = p[q];
        });
      }
      oof.push(o);
    }
  });

  it('scores above the best single member (r2), with weights summing to 1 over ≥ 2 members', () => {
    const single = oof.map((p) => r2(d.y, p));
    const best = Math.max(...single);
    const s = greedyEnsembleSelection(oof, d.y);
    assert.equal(s.scores.length, 25);
    assert.equal(s.scores[0], best, 'the first addition is the best single member');
    const score = s.scores[s.kept - 1];
    assert.equal(score, Math.max(...s.scores));
    assert.ok(score > best + 5e-4, `ensemble ${score} vs best single ${best} (${single.join(', ')})`);
    const sum = s.weights.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `weights sum to ${sum}`);
    assert.ok(s.weights.filter((w) => w > 0).length >= 2, `weights ${[...s.weights]}`);
    // The weights reproduce the score the selection reports.
    assert.ok(Math.abs(r2(d.y, blendPredictions(oof, s.weights)) - score) < 1e-12);
  });

  it('minimises an error metric (rmse) below the best single member', () => {
    const s = greedyEnsembleSelection(oof, d.y, { metric: METRICS.rmse, iterations: 40 });
    const bestSingle = Math.min(...oof.map((p) => rmse(d.y, p)));
    assert.ok(s.scores[s.kept - 1] < bestSingle, `${s.scores[s.kept - 1]} vs ${bestSingle}`);
    assert.ok(Math.abs(rmse(d.y, blendPredictions(oof, s.weights)) - s.scores[s.kept - 1]) < 1e-9);
  });

  it('is deterministic', () => {
    const a = greedyEnsembleSelection(oof, d.y);
    const b = greedyEnsembleSelection(oof, d.y);
    assert.deepEqual(a, b);
  });
});
