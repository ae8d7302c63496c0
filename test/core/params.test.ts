import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { describeParams, type ParamTable, resolveParams } from '../../src/core/params.js';

const TABLE = {
  alpha: { type: 'number', default: 1, min: 0, doc: 'penalty' },
  depth: { type: 'number?', default: null, min: 1, integer: true, doc: 'max depth' },
  loss: { type: 'enum', default: 'squared', values: ['squared', 'absolute'], doc: 'loss' },
  early: { type: 'enum', default: 'auto', values: ['auto', 'true', 'false'], doc: 'early stopping' },
  features: { type: 'number|enum', default: 1, values: ['sqrt', 'log2'], min: 0, doc: 'features per split' },
} as const satisfies ParamTable;

describe('resolveParams', () => {
  it('fills defaults and keeps given values', () => {
    assert.deepEqual(resolveParams(TABLE, { alpha: 2, features: 'sqrt' }), {
      alpha: 2,
      depth: null,
      loss: 'squared',
      early: 'auto',
      features: 'sqrt',
    });
  });
  it('reports every bad value at once, naming key, value and rule', () => {
    try {
      resolveParams(TABLE, { alpha: -1, depth: 2.5, loss: 'huber', typo: 1 }, 'models[0].params');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.issues.length, 4);
      assert.match(e.message, /models\[0\]\.params\.alpha = -1 .*≥ 0/);
      assert.match(e.message, /depth = 2\.5 .*integer/);
      assert.match(e.message, /loss = "huber" .*squared, absolute/);
      assert.match(e.message, /typo is not a known parameter/);
    }
  });
  it('accepts YAML booleans for enums spelled true/false', () => {
    assert.equal(resolveParams(TABLE, { early: true }).early, 'true');
    assert.equal(resolveParams(TABLE, { early: false }).early, 'false');
    assert.throws(() => resolveParams(TABLE, { loss: true }), ConfigError);
  });
  it('describes every parameter', () => {
    assert.equal(describeParams(TABLE).length, 5);
    assert.match(describeParams(TABLE)[2], /squared \| absolute/);
  });
});
