/**
 * Tuning inside cross-validation (successive halving over folds) and the time budget of
 * cross-validated selection, on real data (concrete).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { TmpDir } from '../data/tmp-files.js';
import { DATA_DIR } from '../helpers/datasets.js';

const tmp = new TmpDir();
after(() => tmp.remove());

function pipeline(extra: Record<string, unknown>) {
  const cfg = resolveConfig({
    ...extra,
    data: { path: join(DATA_DIR, 'concrete.csv'), target: 'compressive_strength' },
    output: { dir: tmp.path(`m-${Math.random().toString(36).slice(2)}`) },
  });
  return new TrainingPipeline(cfg);
}

describe('tuning inside cross-validation', () => {
  it('halves the trials over the folds: all on 1 fold, the best third on 3, the best of those on all 5', async () => {
    const run = await pipeline({
      models: ['ridge', { name: 'knn', model: 'knn', tuning: { trials: 9 } }],
      selection: { repeats: 1, ensemble: false },
    }).run();
    const knn = run.results.models.find((m) => m.name === 'knn')!;
    const t = knn.tuning!;
    assert.equal(t.on, 'cv');
    assert.equal(t.trials_run, 9);
    const reached = t.history.map((h) => h.folds).sort();
    // 9 trials on 1 fold, the best 3 go on to 3 folds, the best of those to all 5.
    assert.deepEqual(reached, [1, 1, 1, 1, 1, 1, 3, 3, 5]);
    const best = t.history[t.best_trial];
    assert.equal(best.folds, 5, 'the winner is the one trial scored on every fold');
    // The candidate runs with the winning params, and its cv score is the winner's mean.
    assert.deepEqual(knn.params, best.params);
    assert.ok(Math.abs(knn.cv!.mean - best.cv_score!) < 1e-12);
    assert.match(knn.notes.join(' '), /tuned inside cross-validation: trial \d best of 9/);
  });
});

describe('the time budget of cross-validated selection', () => {
  it('an explicit cv whose budget cannot hold one fold fails before training, with the estimate', async () => {
    await assert.rejects(
      pipeline({ selection: { method: 'cv' }, training: { time_budget_s: 0.01 } }).run(),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues[0].path === 'training.time_budget_s' &&
        /training\.time_budget_s = 0\.01 is too small for one fold of cross-validation \(about [\d.]+ s estimated for 803 TRAIN\+VAL rows/.test(
          e.message,
        ) &&
        /null \(no limit\), or selection\.method: holdout/.test(e.message),
    );
  });

  it('a budget that runs out mid-way leaves a partial leaderboard and still selects and saves a model', async () => {
    const run = await pipeline({
      models: ['ridge', 'random_forest', 'extra_trees', 'gbdt'],
      selection: { method: 'cv', folds: 20, ensemble: false },
      training: { time_budget_s: 0.6 },
    }).run();
    const partial = run.results.models.filter((m) => m.cv && !m.cv.complete);
    assert.ok(partial.length > 0, 'some candidates were stopped before their 20 folds');
    for (const m of partial) {
      const ran = m.cv!.folds.filter((v) => !Number.isNaN(v)).length;
      assert.ok(ran < 20);
      if (m.name !== run.results.selection.best) {
        assert.equal(m.status, 'skipped');
        assert.match(
          m.error ?? '',
          /cross-validation stopped after \d+ of 20 folds: the run's time budget was used up/,
        );
      }
    }
    const best = run.results.models.find((m) => m.name === run.results.selection.best)!;
    assert.equal(best.status, 'ok');
    assert.ok(best.metrics?.test, 'the selected model was refitted and scored on TEST');
    if (!best.cv!.complete)
      assert.match(best.notes.join(' '), /selected on \d+ of 20 folds: the time budget ran out/);
  });

  it('auto selects on the holdout when the estimated cost exceeds the budget, and says so', async () => {
    const run = await pipeline({
      models: ['ridge', 'random_forest'],
      training: { time_budget_s: 0.5 },
    }).run();
    assert.equal(run.results.selection.method, 'holdout');
    assert.match(
      run.results.selection.reason ?? '',
      /cross-validation would take about [\d.]+ s > training\.time_budget_s \(0\.5 s\)/,
    );
  });
});
