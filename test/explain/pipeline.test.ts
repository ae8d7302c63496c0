/**
 * End to end: `TrainingPipeline` writes the selected model's permutation importance on TEST into
 * results.json, and a saved model loaded back from its artifacts explains raw rows in terms of the
 * input columns, base + Σ = prediction.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadArtifacts } from '../../src/artifacts/load-artifacts.js';
import { resolveConfig } from '../../src/config/config.js';
import { explainInputs } from '../../src/explain/index.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { readBundled } from '../helpers/csv-frame.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { efficiencyGap } from './data.js';

describe('training pipeline → results.json → explanations from artifacts', () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-explain-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('concrete: permutation importance in results.json; the loaded gbdt explains raw rows', async () => {
    const cfg = resolveConfig({
      data: { path: join(DATA_DIR, 'concrete.csv'), target: 'compressive_strength' },
      models: ['ridge', 'gbdt'],
      output: { dir: root },
    });
    const run = await new TrainingPipeline(cfg).run();
    const a = loadArtifacts(run.runDir);
    const best = a.results.models.find((m) => m.name === a.results.selection.best);
    assert.equal(best?.name, 'gbdt');
    const pi = best?.permutation_importance;
    assert.ok(pi, 'selected model has permutation_importance');
    assert.equal(pi.metric, 'r2');
    assert.equal(pi.repeats, 5);
    assert.ok(pi.rows > 100 && pi.rows <= 5000);
    const names = Object.keys(pi.columns);
    assert.equal(names.length, 8);
    assert.ok(names.slice(0, 3).includes('age') && names.slice(0, 3).includes('cement'), names.join(', '));
    assert.equal(a.results.models.find((m) => m.name === 'ridge')?.permutation_importance, undefined);

    const frame = readBundled('concrete').drop(['compressive_strength']).take([0, 1, 2, 3, 4, 5, 6, 7]);
    const { X, features } = a.preprocessor.transform(frame);
    const e = explainInputs(a.model, X, features);
    assert.equal(e.method, 'tree_shap');
    assert.equal(e.names.length, 8);
    assert.ok(efficiencyGap(e.baseValue, e.values, 8, a.model.predict(X)) < 1e-6);
  });
});
