import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { getMetric } from '../../src/metrics/regression.js';
import { BOOTSTRAP_ROWS, bootstrapSe } from '../../src/train/holdout-selection.js';

/** y and a prediction of it with noise (R² ≈ 0.8). */
function rowsOf(n: number, seed: number) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, () => rng.normal() * 2);
  const pred = Float64Array.from(y, (v) => v + rng.normal());
  return { y, pred };
}

test('bootstrapSe above BOOTSTRAP_ROWS: from a seeded sample, scaled by √(m/n) to the SE on all rows', () => {
  const n = 3 * BOOTSTRAP_ROWS;
  const { y, pred } = rowsOf(n, 5);
  for (const name of ['r2', 'rmse', 'mae'] as const) {
    const metric = getMetric(name);
    const sampled = bootstrapSe(y, pred, metric, 7);
    assert.equal(bootstrapSe(y, pred, metric, 7), sampled, `${name}: seeded`);
    // The SE of the metric over all n rows, from the bootstrap of all of them: 200 resamples
    // leave it ±5 % (1/√400), so the two agree within 20 %.
    const ref = new Rng(99);
    const all = Array.from({ length: 200 }, () => {
      const idx = Uint32Array.from({ length: n }, () => ref.int(n));
      return metric.compute(
        Float64Array.from(idx, (i) => y[i]),
        Float64Array.from(idx, (i) => pred[i]),
      );
    });
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
    assert.ok(Math.abs(sampled / sd - 1) < 0.2, `${name}: ${sampled} vs ${sd}`);
  }
});

test('bootstrapSe up to BOOTSTRAP_ROWS resamples every row; fewer than 2 rows: NaN', () => {
  const { y, pred } = rowsOf(2000, 6);
  const r2 = getMetric('r2');
  const se = bootstrapSe(y, pred, r2, 1);
  assert.ok(se > 0 && se < 0.05, `${se}`);
  assert.ok(Number.isNaN(bootstrapSe(y.subarray(0, 1), pred.subarray(0, 1), r2, 1)));
});
