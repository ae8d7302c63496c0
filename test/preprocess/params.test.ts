/** The `preprocessing` config section: defaults, and errors naming key, value and rule. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { describeParams } from '../../src/core/params.js';
import { PREPROCESS_PARAMS, resolvePreprocessConfig } from '../../src/preprocess/index.js';

test('defaults match the reference workflow', () => {
  const c = resolvePreprocessConfig(undefined);
  assert.equal(c.numeric_impute, 'median');
  assert.equal(c.scaling, 'standard');
  assert.equal(c.outliers, 'none');
  assert.equal(c.categorical_impute, 'most_frequent');
  assert.equal(c.handle_unknown, 'ignore');
  assert.equal(c.encoding, 'auto');
  assert.equal(describeParams(PREPROCESS_PARAMS).length, Object.keys(PREPROCESS_PARAMS).length);
});

test('every bad value is reported with key, value and what is allowed', () => {
  assert.throws(
    () => resolvePreprocessConfig({ scaling: 'zscore', max_categories: 1, imputer: 'mean' }, 'preprocessing'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      const msg = e.issues.map((i) => i.message).join('\n');
      assert.match(
        msg,
        /preprocessing.scaling = "zscore" is not allowed: expected one of standard, robust, minmax, none/,
      );
      assert.match(msg, /preprocessing.max_categories = 1 is not allowed: expected a number ≥ 2/);
      assert.match(msg, /preprocessing.imputer is not a known parameter/);
      return true;
    },
  );
});

test('cross-field rules: quantiles ordered, min_frequency a fraction or a whole count', () => {
  assert.throws(
    () => resolvePreprocessConfig({ clip_quantile_low: 0.9, clip_quantile_high: 0.1 }),
    /clip_quantile_low = 0.9 is not allowed: expected a number below clip_quantile_high \(0.1\)/,
  );
  assert.throws(() => resolvePreprocessConfig({ min_frequency: 2.5 }), /min_frequency = 2.5 is not allowed/);
  assert.equal(resolvePreprocessConfig({ min_frequency: 0.05 }).min_frequency, 0.05);
});
