import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  getMetric,
  isBetter,
  METRICS,
  mae,
  mape,
  medae,
  r2,
  rmse,
  scoreAll,
} from '../../src/metrics/regression.js';

// Expected values computed with scikit-learn 1.2.1 (r2_score, mean_squared_error(...)**0.5,
// mean_absolute_error, mean_absolute_percentage_error, median_absolute_error); see
// test/fixtures/metrics/make_metrics_fixture.py.
const fx = JSON.parse(readFileSync(new URL('../fixtures/metrics/metrics.json', import.meta.url), 'utf8'));

describe('regression metrics equal scikit-learn to 1e-12', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const got = {
        r2: r2(c.y, c.p),
        rmse: rmse(c.y, c.p),
        mae: mae(c.y, c.p),
        mape: mape(c.y, c.p),
        medae: medae(c.y, c.p),
      };
      for (const k of Object.keys(got) as (keyof typeof got)[]) {
        const want = c.expected[k];
        const tol = 1e-12 * Math.max(1, Math.abs(want));
        assert.ok(Math.abs(got[k] - want) <= tol, `${k}: ${got[k]} vs sklearn ${want}`);
      }
    });
  }
});

describe('metric directions', () => {
  it('R² is greater-is-better, errors are smaller-is-better', () => {
    assert.equal(METRICS.r2.greaterIsBetter, true);
    for (const m of ['rmse', 'mae', 'mape', 'medae'] as const)
      assert.equal(METRICS[m].greaterIsBetter, false);
    assert.ok(isBetter(METRICS.r2, 0.9, 0.8));
    assert.ok(isBetter(METRICS.rmse, 10, 20));
    assert.ok(!isBetter(METRICS.rmse, Number.NaN, 20));
  });
  it('an unknown metric is a ConfigError listing the allowed ones', () => {
    assert.throws(() => getMetric('accuracy'), /accuracy.*r2, rmse, mae, mape, medae/);
  });
  it('scoreAll returns every metric', () => {
    const s = scoreAll([1, 2, 3], [1, 2, 4]);
    assert.deepEqual(Object.keys(s), ['r2', 'rmse', 'mae', 'mape', 'medae']);
    assert.equal(s.mae, 1 / 3);
  });
});
