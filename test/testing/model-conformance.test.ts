/**
 * `tabflow/testing` as a family author uses it: register a new family, run the suite on its
 * default problem (Friedman #1) — here a ridge with a fixed strong penalty, built with the linear
 * family builder under its own kind — and on two built-in families.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getFamily, registerFamily } from '../../src/models/families.js';
import { choleskySolve } from '../../src/models/linear/dense-solve.js';
import { linearFamily } from '../../src/models/linear/family.js';
import { checkModelFamily, friedman1 } from '../../src/testing/index.js';

registerFamily(
  linearFamily({
    kind: 'ridge_plugin',
    description: 'ridge with alpha = 10 (a family registered from outside tabflow)',
    params: {},
    solve(g) {
      const A = Float64Array.from(g.gram);
      for (let j = 0; j < g.p; j++) A[j * g.p + j] += 10;
      const coef = choleskySolve(A, g.xty, g.p);
      if (!coef) throw new Error('singular');
      return { coef, notes: [] };
    },
  }),
);

checkModelFamily('ridge_plugin', { minR2: 0.65 });
checkModelFamily('gbdt', { minR2: 0.8 });
checkModelFamily('ridge', { minR2: 0.65 });

describe('friedman1', () => {
  it('is seeded: the same rows for the same seed, other rows for another', () => {
    assert.deepEqual(friedman1(3).train.X.data, friedman1(3).train.X.data);
    assert.notDeepEqual(friedman1(3).train.y, friedman1(4).train.y);
    assert.equal(friedman1().train.X.rows, 600);
    assert.equal(friedman1().test.X.cols, 10);
  });

  it('a registered family is found by kind', () => {
    assert.equal(getFamily('ridge_plugin').capabilities.basis, 'linear');
  });
});
