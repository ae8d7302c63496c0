import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  betaInc,
  chiSquareSf,
  gammaP,
  gammaQ,
  lnGamma,
  studentTSf,
} from '../../src/monitor/special-functions.js';
import { assertClose, fx } from './fixtures.js';

// Reference values: scipy.special.gammainc/gammaincc/betainc, scipy.stats.chi2.sf/t.sf (scipy 1.10).
describe('special functions equal scipy', () => {
  it('ln Γ at integers and halves', () => {
    assert.ok(Math.abs(lnGamma(1)) < 1e-15 && Math.abs(lnGamma(2)) < 1e-15, 'ln Γ(1) = ln Γ(2) = 0');
    assertClose(lnGamma(10), Math.log(362880), 1e-14, 'lnGamma(10)');
    assertClose(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, 'lnGamma(0.5)');
    assertClose(lnGamma(1001), 5912.128178488163, 1e-14, 'lnGamma(1001)');
  });
  it('regularized incomplete gamma P and Q to 1e-11', () => {
    for (const c of fx.special.gammaincc) {
      if (c.q > 1e-300) assertClose(gammaQ(c.a, c.x), c.q, 1e-11, `Q(${c.a}, ${c.x})`);
      if (c.p > 1e-300) assertClose(gammaP(c.a, c.x), c.p, 1e-11, `P(${c.a}, ${c.x})`);
    }
  });
  it('regularized incomplete beta to 1e-11', () => {
    for (const c of fx.special.betainc) {
      if (c.v > 1e-300) assertClose(betaInc(c.a, c.b, c.x), c.v, 1e-11, `I(${c.x}; ${c.a}, ${c.b})`);
    }
  });
  it('χ² and Student t survival functions to 1e-11', () => {
    for (const c of fx.special.chi2_sf)
      assertClose(chiSquareSf(c.x, c.k), c.sf, 1e-11, `chi2.sf(${c.x}, ${c.k})`);
    for (const c of fx.special.t_sf) assertClose(studentTSf(c.t, c.df), c.sf, 1e-11, `t.sf(${c.t}, ${c.df})`);
  });
});
