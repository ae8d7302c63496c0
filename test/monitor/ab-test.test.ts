import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ValidationError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import {
  bootstrapRmseDifference,
  compareArms,
  pairedTTest,
  type Scored,
  welchTTest,
} from '../../src/monitor/index.js';
import { concrete } from '../helpers/datasets.js';
import { assertClose, fx } from './fixtures.js';

describe('t-tests equal scipy (ttest_ind equal_var=False, ttest_rel)', () => {
  for (const c of fx.t_tests) {
    it(c.name, () => {
      if (c.welch_t !== undefined) {
        const w = welchTTest(c.a, c.b);
        assertClose(w.t, c.welch_t, 1e-12, 'Welch t');
        assertClose(w.df, c.welch_df, 1e-12, 'Welch df');
        assertClose(w.p_value, c.welch_p, 1e-9, 'Welch p');
      }
      if (c.paired_t !== undefined) {
        const p = pairedTTest(c.a, c.b);
        assertClose(p.t, c.paired_t, 1e-12, 'paired t');
        assertClose(p.p_value, c.paired_p, 1e-9, 'paired p');
      }
    });
  }
  it('degenerate samples: too few values or zero variance', () => {
    assert.ok(Number.isNaN(welchTTest([1], [1, 2]).p_value));
    assert.ok(Number.isNaN(welchTTest([2, 2], [2, 2]).p_value));
    assert.deepEqual(welchTTest([2, 2], [3, 3]).p_value, 0);
    assert.throws(() => pairedTTest([1, 2], [1]), /are not pairs/);
  });
});

// Concrete strengths as ground truth; each arm is a model with its own error scale.
const { y } = concrete();
interface Arm {
  prediction: Float64Array;
  actual: Float64Array;
}
function arm(rows: Float64Array, noise: number, seed: number): Arm {
  const rng = new Rng(seed);
  return { prediction: rows.map((v) => v + noise * rng.normal()), actual: rows };
}
const half = (k: 0 | 1): Float64Array => y.filter((_, i) => i % 2 === k);

describe('bootstrapRmseDifference', () => {
  const a = arm(half(0), 6, 1);
  const b = arm(half(1), 5, 2);
  const err = (s: Scored) => Float64Array.from(s.actual, (v, i) => v - s.prediction[i]);
  it('is seeded: same seed same interval, other seed a different one', () => {
    const one = bootstrapRmseDifference(err(a), err(b), { seed: 7, resamples: 500 });
    assert.deepEqual(bootstrapRmseDifference(err(a), err(b), { seed: 7, resamples: 500 }), one);
    assert.notDeepEqual(bootstrapRmseDifference(err(a), err(b), { seed: 8, resamples: 500 }), one);
    assert.ok(one.lower < one.estimate && one.estimate < one.upper);
  });
  it('pairing the same rows narrows the interval', () => {
    const rows = half(0);
    const champ = err(arm(rows, 6, 3));
    const chal = champ.map((e, i) => e * 0.9 + (i % 2 ? 0.3 : -0.3));
    const unpaired = bootstrapRmseDifference(champ, chal, { seed: 1, resamples: 500 });
    const paired = bootstrapRmseDifference(champ, chal, { seed: 1, resamples: 500, paired: true });
    assert.ok(paired.upper - paired.lower < (unpaired.upper - unpaired.lower) / 3);
    assert.ok(paired.upper < 0, 'a 10% smaller error on the same rows is clear when paired');
  });
});

describe('compareArms: champion vs challenger on concrete', () => {
  const rows0 = half(0);
  const rows1 = half(1);
  it('a clearly better challenger wins on MAE (Welch) and on RMSE (bootstrap)', () => {
    const champ = arm(rows0, 7, 10);
    const chal = arm(rows1, 4, 11);
    const byMae = compareArms(champ, chal, { metric: 'mae' });
    assert.equal(byMae.verdict, 'challenger_better', byMae.reason);
    assert.equal(byMae.t_test?.name, 'welch');
    assert.ok((byMae.t_test?.mean_difference ?? 0) < 0);
    const byRmse = compareArms(champ, chal, { metric: 'rmse', resamples: 500 });
    assert.equal(byRmse.verdict, 'challenger_better', byRmse.reason);
    assert.ok((byRmse.bootstrap?.upper ?? 0) < 0);
    assert.ok(
      Math.abs(
        (byRmse.bootstrap?.estimate ?? 0) - ((byRmse.challenger.rmse ?? 0) - (byRmse.champion.rmse ?? 0)),
      ) < 1e-12,
    );
  });
  it('a worse challenger is kept out', () => {
    const r = compareArms(arm(rows0, 4, 12), arm(rows1, 7, 13));
    assert.equal(r.verdict, 'champion_better', r.reason);
  });
  it('equally good arms: no difference', () => {
    const r = compareArms(arm(rows0, 5, 14), arm(rows1, 5, 15), { metric: 'rmse', resamples: 500 });
    assert.equal(r.verdict, 'no_difference', r.reason);
    assert.match(r.reason, /contains 0/);
  });
  it('too little feedback: insufficient_data, no test run', () => {
    const r = compareArms(arm(rows0.slice(0, 60), 7, 1), arm(rows1, 4, 2));
    assert.equal(r.verdict, 'insufficient_data');
    assert.match(r.reason, /60 valid rows in the smaller arm, min_samples is 100/);
    assert.equal(r.t_test, null);
    assert.equal(r.champion.n, 60);
  });
  it('rows without a numeric actual are skipped before counting', () => {
    const champ = arm(rows0, 7, 3);
    const actual = champ.actual.map((v, i) => (i < 420 ? Number.NaN : v));
    const r = compareArms({ ...champ, actual }, arm(rows1, 4, 4));
    assert.equal(r.verdict, 'insufficient_data');
    assert.equal(r.champion.n_invalid, 420);
  });
  it('shadow mode: pairing finds a small improvement Welch cannot', () => {
    const champ = arm(rows0, 6, 20);
    const rng = new Rng(21);
    const chal: Scored = {
      actual: champ.actual,
      prediction: champ.actual.map((v, i) => v - (v - champ.prediction[i]) * 0.93 + 0.4 * rng.normal()),
    };
    const welch = compareArms(champ, chal);
    const paired = compareArms(champ, chal, { paired: true });
    assert.equal(welch.verdict, 'no_difference', welch.reason);
    assert.equal(paired.verdict, 'challenger_better', paired.reason);
    assert.equal(paired.t_test?.name, 'paired');
  });
  it('paired arms must be the same rows', () => {
    assert.throws(
      () => compareArms(arm(rows0, 6, 1), arm(rows1.slice(0, 515), 6, 2), { paired: true }),
      (e: unknown) => e instanceof ValidationError && /row 0 has actual/.test(e.message),
    );
    assert.throws(
      () => compareArms(arm(rows0, 6, 1), arm(rows1.slice(0, 100), 6, 2), { paired: true }),
      /same rows/,
    );
  });
  it('options are checked', () => {
    assert.throws(
      () => compareArms(arm(rows0, 6, 1), arm(rows1, 6, 2), { metric: 'r2', minSamples: 5 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /ab_test\.metric/.test(e.message) &&
        /ab_test\.minSamples/.test(e.message),
    );
  });
});
