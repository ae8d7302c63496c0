import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { mae, r2, rmse } from '../../src/metrics/regression.js';
import { liveMetrics, metricsOverTime, rollingMetrics, type Scored } from '../../src/monitor/index.js';
import { concrete } from '../helpers/datasets.js';

// Feedback on concrete strengths: noisy predictions with ±8 MPa intervals.
const { y } = concrete();
const rng = new Rng(4);
const prediction = y.map((v) => v + 6 * rng.normal());
const scored: Scored = {
  prediction,
  actual: y,
  lower: prediction.map((p) => p - 8),
  upper: prediction.map((p) => p + 8),
};

describe('liveMetrics', () => {
  it('equals the training metrics (sklearn-checked) on the same rows', () => {
    const m = liveMetrics(scored);
    assert.equal(m.n, y.length);
    assert.ok(Math.abs((m.r2 ?? 0) - r2(y, prediction)) < 1e-12);
    assert.ok(Math.abs((m.rmse ?? 0) - rmse(y, prediction)) < 1e-12);
    assert.ok(Math.abs((m.mae ?? 0) - mae(y, prediction)) < 1e-12);
  });
  it('coverage of the intervals: about the normal mass within ±8/6 sd', () => {
    const m = liveMetrics(scored);
    assert.equal(m.n_interval, y.length);
    assert.ok(Math.abs((m.coverage ?? 0) - 0.8176) < 0.04, `coverage ${m.coverage}`);
    assert.ok(Math.abs((m.mean_interval_width ?? 0) - 16) < 1e-9);
  });
  it('skips rows without a usable prediction or actual, and counts them', () => {
    const s: Scored = {
      prediction: [1, 2, Number.NaN, 4, 5],
      actual: [1.5, Number.NaN, 3, 3, 5],
      lower: [0, 0, 0, Number.NaN, 4],
      upper: [2, 2, 2, Number.NaN, 4.5],
    };
    const m = liveMetrics(s);
    assert.deepEqual([m.n, m.n_invalid, m.n_interval, m.coverage], [3, 2, 2, 0.5]);
    assert.ok(Math.abs((m.mae ?? 0) - 0.5) < 1e-15);
  });
  it('nothing to score: nulls, not NaN or a throw', () => {
    const m = liveMetrics({ prediction: [], actual: [] });
    assert.deepEqual([m.n, m.r2, m.rmse, m.mae, m.coverage], [0, null, null, null, null]);
    assert.equal(liveMetrics({ prediction: [3], actual: [4] }).r2, null);
  });
  it('rejects arrays of different lengths, naming them', () => {
    assert.throws(() => liveMetrics({ prediction: [1, 2], actual: [1] }), /2 predictions but 1 actual/);
  });
});

describe('windowed metrics', () => {
  it('tumbling windows partition the rows; a degrading model shows in the later windows', () => {
    const drifting = y.map((v, i) => v + (i < 500 ? 3 : 12) * rng.normal());
    const w = rollingMetrics({ prediction: drifting, actual: y }, 250);
    assert.deepEqual(
      w.map((x) => [x.start, x.end]),
      [
        [0, 250],
        [250, 500],
        [500, 750],
        [750, 1000],
        [1000, 1030],
      ],
    );
    assert.equal(
      w.reduce((s, x) => s + x.n, 0),
      y.length,
    );
    assert.ok((w[0].rmse ?? 0) < 4 && (w[3].rmse ?? 0) > 9, w.map((x) => x.rmse).join(', '));
  });
  it('sliding windows overlap by size − step', () => {
    const w = rollingMetrics(scored, 400, 300);
    assert.deepEqual(
      w.map((x) => [x.start, x.end]),
      [
        [0, 400],
        [300, 700],
        [600, 1000],
        [900, 1030],
      ],
    );
    assert.throws(() => rollingMetrics(scored, 0), /size = 0/);
  });
  it('time buckets', () => {
    const hour = 3_600_000;
    const t0 = Date.parse('2026-11-26T00:00:00Z');
    const ts = Float64Array.from(
      { length: y.length },
      (_, i) => t0 + Math.floor(i / 100) * hour + (i % 100) * 1000,
    );
    const b = metricsOverTime(scored, ts, hour);
    assert.equal(b.length, 11);
    assert.deepEqual([b[0].start, b[0].end, b[0].n, b[10].n], [t0, t0 + hour, 100, 30]);
    assert.throws(() => metricsOverTime(scored, ts.slice().reverse(), hour), /must be sorted/);
    assert.throws(
      () =>
        metricsOverTime(
          scored,
          ts.map((t, i) => (i === 5 ? Number.NaN : t)),
          hour,
        ),
      /row 5/,
    );
  });
});
