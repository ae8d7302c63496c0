/**
 * Linear models: contributions coef_j · (x_j − mean_j) against the TRAIN column means are exact
 * (base + Σ = prediction), survive save → load, fold one-hot levels back to their input, and an
 * artifact without stored means asks for a background instead of guessing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelError } from '../../src/core/errors.js';
import { explain, explainInputs, foldToInputs, pickBackground } from '../../src/explain/index.js';
import { loadModel } from '../../src/models/families.js';
import { FittedLinear } from '../../src/models/linear/fitted-linear.js';
import { diamonds, efficiencyGap, fitModel } from './data.js';

describe('linear contributions on diamonds (one-hot)', async () => {
  const d = diamonds('onehot', 2500);
  const X = d.test.X;

  for (const kind of ['linear', 'ridge', 'lasso', 'elasticnet']) {
    it(`${kind}: exact, against the train means, and folded to inputs`, async () => {
      const m = await fitModel(kind, {}, d);
      assert.ok(m instanceof FittedLinear);
      const e = explain(m, X);
      assert.equal(e.method, 'linear');
      const pred = m.predict(X);
      assert.ok(efficiencyGap(e.baseValue, e.values, X.cols, pred) < 1e-6);
      // The reference is the TRAIN matrix mean: the mean train row gets (almost) zero attributions.
      const p = X.cols;
      const mean = new Float64Array(p);
      for (let i = 0; i < d.train.X.rows; i++)
        for (let j = 0; j < p; j++) mean[j] += d.train.X.data[i * p + j];
      for (let j = 0; j < p; j++) mean[j] /= d.train.X.rows;
      const at = explain(m, { rows: 1, cols: p, data: mean });
      for (let j = 0; j < p; j++) assert.ok(Math.abs(at.values[j]) < 1e-6 * Math.abs(e.baseValue));
      assert.ok(Math.abs(at.baseValue - m.predict({ rows: 1, cols: p, data: mean })[0]) < 1e-6);
      // Each value is coef_j (x_j − mean_j).
      for (const j of [0, p - 1]) {
        const v = m.coef[j] * (X.data[j] - mean[j]);
        assert.ok(Math.abs(e.values[j] - v) <= 1e-9 * (1 + Math.abs(v)), `column ${j}`);
      }
      // One-hot levels fold into their input: cut's value is the sum of its cut=* columns.
      const f = explainInputs(m, X, d.features);
      assert.equal(f.names.length, 9);
      const cutCols = d.features.flatMap((feat, j) => (feat.source === 'cut' ? [j] : []));
      assert.ok(cutCols.length >= 5, `cut has ${cutCols.length} one-hot columns`);
      const cutIdx = f.names.indexOf('cut');
      for (let i = 0; i < 5; i++) {
        const s = cutCols.reduce((acc, j) => acc + e.values[i * p + j], 0);
        assert.ok(Math.abs(f.values[i * 9 + cutIdx] - s) < 1e-9);
      }
      assert.ok(efficiencyGap(f.baseValue, f.values, 9, pred) < 1e-6);
    });
  }

  it('the train means survive save → load', async () => {
    const m = (await fitModel('ridge', {}, d)) as FittedLinear;
    const back = loadModel(JSON.parse(JSON.stringify(m.toJSON())));
    assert.ok(back instanceof FittedLinear);
    assert.deepEqual(back.featureMean, m.featureMean);
    assert.deepEqual(explain(back, X).values, explain(m, X).values);
  });

  it('an artifact without means needs a background, and then uses its means', async () => {
    const m = (await fitModel('ridge', {}, d)) as FittedLinear;
    const json = m.toJSON() as { state: Record<string, unknown> };
    delete json.state.featureMean;
    const old = loadModel(JSON.parse(JSON.stringify(json)));
    assert.throws(
      () => explain(old, X),
      (e: unknown) => e instanceof ModelError && /background/.test(e.message),
    );
    const bg = pickBackground(d.train.X, 100, 1);
    const e = explain(old, X, { background: bg });
    assert.ok(efficiencyGap(e.baseValue, e.values, X.cols, old.predict(X)) < 1e-6);
  });

  it('foldToInputs rejects a feature list of the wrong length', async () => {
    const m = await fitModel('ridge', {}, d);
    assert.throws(() => foldToInputs(explain(m, X), d.features.slice(1)), /feature descriptions/);
  });
});
