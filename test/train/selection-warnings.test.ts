import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CandidateResult } from '../../src/train/model-trainer.js';
import { selectionWarnings } from '../../src/train/selection-warnings.js';

const model = (name: string, testR2: number, testRmse = 1, status: CandidateResult['status'] = 'ok') =>
  ({
    name,
    model: name,
    status,
    params: {},
    encoding: 'onehot',
    fit_seconds: 0,
    notes: [],
    metrics: { test: { r2: testR2, rmse: testRmse, mae: 0, mape: 0, medae: 0 } },
  }) as CandidateResult;

describe('selectionWarnings', () => {
  // The ames case of the issue: elasticnet chosen on VAL, gbdt far better on TEST.
  const models = [
    model('elasticnet', 0.846, 31000),
    model('gbdt', 0.923, 22000),
    model('ridge', 0.85, 30500),
  ];

  it('warns when a candidate beats the selected one on TEST by more than the selection SE', () => {
    const w = selectionWarnings(models, 'elasticnet', 'r2', 0.012);
    assert.deepEqual(
      w.map((x) => x.candidate),
      ['gbdt'],
      'ridge is better by 0.004 < SE: no warning',
    );
    assert.equal(w[0].selected, 'elasticnet');
    assert.match(
      w[0].message,
      /gbdt scores better on TEST than the selected elasticnet \(r2 0\.9230 vs 0\.8460\)/,
    );
    assert.match(w[0].message, /The selection stands/);
    assert.match(w[0].message, /selection\.method: cv/, 'a holdout selection is told about cross-validation');
    const cv = selectionWarnings(models, 'elasticnet', 'r2', 0.012, 'cv');
    assert.match(cv[0].message, /more folds and repeats \(selection\.folds, selection\.repeats\)/);
    assert.doesNotMatch(cv[0].message, /selection\.method: cv/);
  });

  it('follows the metric’s direction (rmse: lower is better) and says nothing within the SE', () => {
    assert.deepEqual(
      selectionWarnings(models, 'elasticnet', 'rmse', 800).map((x) => x.candidate),
      ['gbdt'],
    );
    assert.equal(selectionWarnings(models, 'elasticnet', 'r2', 0.2).length, 0);
    assert.equal(selectionWarnings(models, 'gbdt', 'r2', 0.001).length, 0, 'the best on TEST was selected');
  });

  it('ignores failed candidates and an unknown SE', () => {
    const withFailed = [...models, model('svr', 0.99, 1, 'failed')];
    assert.deepEqual(
      selectionWarnings(withFailed, 'elasticnet', 'r2', 0.012).map((x) => x.candidate),
      ['gbdt'],
    );
    assert.equal(selectionWarnings(models, 'elasticnet', 'r2', Number.NaN).length, 0);
  });
});
