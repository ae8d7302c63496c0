/**
 * Permutation importance per input column: on Friedman #1 the informative x0..x4 matter and the
 * noise columns x5..x9 are near zero; seeded; rows subsampled to maxRows; one-hot columns of one
 * input are shuffled together and reported once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { permutationImportance } from '../../src/explain/index.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import { friedman1 } from '../helpers/datasets.js';
import { diamonds, fitModel } from './data.js';

describe('permutation importance', () => {
  it('Friedman #1: x0..x4 matter, x5..x9 are noise', async () => {
    const train = friedman1(2000, 10, 1, 1);
    const test = friedman1(1500, 10, 1, 2);
    const features: FeatureInfo[] = train.names.map((name) => ({ name, kind: 'numeric', source: name }));
    const data = { train: { X: train.X, y: train.y }, test: { X: test.X, y: test.y }, features };
    const m = await fitModel('gbdt', { max_iter: 150 }, data);
    const pi = permutationImportance(m, test.X, test.y, features, { seed: 1 });
    assert.equal(pi.metric, 'r2');
    assert.equal(pi.repeats, 5);
    assert.ok(pi.baseline > 0.8, `baseline R² ${pi.baseline}`);
    for (const j of [0, 1, 3])
      assert.ok(pi.columns[`x${j}`].mean > 0.05, `x${j}: ${pi.columns[`x${j}`].mean}`);
    for (const j of [2, 4]) assert.ok(pi.columns[`x${j}`].mean > 0.01, `x${j}: ${pi.columns[`x${j}`].mean}`);
    for (let j = 5; j < 10; j++)
      assert.ok(Math.abs(pi.columns[`x${j}`].mean) < 0.01, `x${j}: ${pi.columns[`x${j}`].mean}`);
    // Sorted by mean, largest first; x3 (10·x3) is among the top two.
    const order = Object.keys(pi.columns);
    assert.ok(order.indexOf('x3') < 2 || order.indexOf('x0') < 2, order.join(','));
    const means = Object.values(pi.columns).map((v) => v.mean);
    assert.deepEqual(
      means,
      [...means].sort((a, b) => b - a),
    );
    // Same seed, same numbers; rows subsampled when asked.
    assert.deepEqual(permutationImportance(m, test.X, test.y, features, { seed: 1 }), pi);
    const sub = permutationImportance(m, test.X, test.y, features, { seed: 1, maxRows: 500, repeats: 3 });
    assert.equal(sub.rows, 500);
    assert.equal(sub.total_rows, 1500);
    assert.equal(sub.repeats, 3);
    assert.ok(sub.columns.x3.std >= 0);
  });

  it('one-hot levels are shuffled together and reported under their input', async () => {
    const d = diamonds('onehot', 2000);
    const m = await fitModel('ridge', {}, d);
    const pi = permutationImportance(m, d.test.X, d.test.y, d.features, { seed: 2, repeats: 3 });
    assert.deepEqual(Object.keys(pi.columns).sort(), [
      'carat',
      'clarity',
      'color',
      'cut',
      'depth',
      'table',
      'x',
      'y',
      'z',
    ]);
    assert.ok(pi.columns.carat.mean > 0.2, `carat ${pi.columns.carat.mean}`);
    assert.ok(pi.columns.clarity.mean > 0.01, `clarity ${pi.columns.clarity.mean}`);
  });

  it('rejects bad options with the option named', async () => {
    const d = friedman1(50, 5, 1, 3);
    const features: FeatureInfo[] = d.names.map((name) => ({ name, kind: 'numeric', source: name }));
    const m = await fitModel('ridge', {}, { train: d, test: d, features });
    assert.throws(() => permutationImportance(m, d.X, d.y, features, { repeats: 0 }), /repeats = 0/);
    assert.throws(() => permutationImportance(m, d.X, d.y, features, { metric: 'auc' as 'r2' }), /auc/);
  });
});
