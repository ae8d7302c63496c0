import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chiSquareHomogeneity } from '../../src/monitor/chi-square.js';
import { jensenShannonDistance } from '../../src/monitor/jensen-shannon.js';
import { kolmogorovSf } from '../../src/monitor/kolmogorov.js';
import { ksTest, roundHalfEven } from '../../src/monitor/ks-test.js';
import { psi } from '../../src/monitor/psi.js';
import { normalizedWasserstein, wassersteinDistance } from '../../src/monitor/wasserstein.js';
import { assertClose, fx, sorted } from './fixtures.js';

// Every expected number comes from scipy 1.10 (ks_2samp(method='asymp'), kstwo.sf,
// wasserstein_distance, spatial.distance.jensenshannon, chi2_contingency(correction=False)) or
// Evidently's PSI formula; see fixtures/make_drift_fixtures.py.
describe('two-sample statistics equal scipy', () => {
  for (const c of fx.two_sample) {
    it(c.name, () => {
      const a = sorted(c.a);
      const b = sorted(c.b);
      const ks = ksTest(a, b);
      assert.equal(ks.statistic, c.ks_statistic, 'KS statistic is exact');
      assertClose(ks.p_value, c.ks_pvalue, 1e-9, 'KS p-value');
      assertClose(wassersteinDistance(a, b), c.wasserstein, 1e-12, 'Wasserstein');
      const std = Math.sqrt(
        a.reduce((s, x) => s + (x - a.reduce((t, y) => t + y, 0) / a.length) ** 2, 0) / a.length,
      );
      assertClose(
        normalizedWasserstein(a, b, std),
        c.wasserstein_normalized,
        1e-12,
        'normalised Wasserstein',
      );
    });
  }
  it('the finite-n Kolmogorov distribution (scipy.stats.kstwo.sf) to 1e-9 on a grid', () => {
    for (const c of fx.kstwo) assertClose(kolmogorovSf(c.n, c.x), c.sf, 1e-9, `kstwo.sf(${c.x}, ${c.n})`);
  });
  it('rounds n1·n2/(n1+n2) half to even, as numpy', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 2.4, -1.5].map(roundHalfEven), [0, 2, 2, 2, -2]);
  });
  it('empty samples give NaN, not a throw', () => {
    assert.ok(Number.isNaN(ksTest(new Float64Array(), sorted([1, 2])).p_value));
    assert.ok(Number.isNaN(wassersteinDistance(sorted([1]), new Float64Array())));
  });
  it('a constant reference: 0 for the same constant, +∞ for anything else', () => {
    assert.equal(normalizedWasserstein(sorted([3, 3, 3]), sorted([3, 3]), 0), 0);
    assert.equal(normalizedWasserstein(sorted([3, 3, 3]), sorted([3, 4]), 0), Number.POSITIVE_INFINITY);
  });
});

describe('binned statistics equal scipy / Evidently', () => {
  for (const c of fx.counts) {
    it(c.name, () => {
      assertClose(psi(c.ref, c.cur), c.psi, 1e-12, 'PSI');
      assertClose(jensenShannonDistance(c.ref, c.cur), c.jensenshannon, 1e-12, 'Jensen-Shannon');
      const chi = chiSquareHomogeneity(c.ref, c.cur);
      assert.equal(chi.df, c.chi2_df);
      assertClose(chi.statistic, c.chi2, 1e-12, 'chi-square statistic');
      assertClose(chi.p_value, c.chi2_pvalue, 1e-9, 'chi-square p-value');
    });
  }
  it('PSI rejects bins that do not line up', () => {
    assert.throws(() => psi([1, 2], [1, 2, 3]), /2 reference bins but 3 current bins/);
  });
  it('one category on both sides cannot differ', () => {
    assert.deepEqual(chiSquareHomogeneity([10, 0], [4, 0]), { statistic: 0, df: 0, p_value: 1 });
  });
});
