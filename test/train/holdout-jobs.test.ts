/**
 * Holdout training with the candidates as jobs on a runner (what `--queue` does, here on this
 * machine's worker threads so no Redis is needed): the same models, scores and tuning history as
 * the one-by-one local path, tuned trials included.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveConfigUnknown } from '../../src/config/config.js';
import { poolRunner } from '../../src/train/cv/job-runner.js';
import { type RunSummary, TrainingPipeline } from '../../src/train/training-pipeline.js';
import { TmpDir } from '../data/tmp-files.js';
import { DATA_DIR } from '../helpers/datasets.js';

const tmp = new TmpDir();
after(() => tmp.remove());

function train(name: string, runner?: ReturnType<typeof poolRunner>): Promise<RunSummary> {
  const cfg = resolveConfigUnknown({
    models: ['ridge', 'tree', { name: 'gbdt', model: 'gbdt', tuning: { trials: 4 } }, 'knn'],
    selection: { method: 'holdout' },
    data: { path: join(DATA_DIR, 'concrete.csv'), target: 'compressive_strength' },
    training: { seed: 5 },
    output: { dir: tmp.path(name) },
  });
  return new TrainingPipeline(cfg, { now: () => new Date('2026-12-01T00:00:00Z'), runner }).run();
}

describe('holdout candidates as jobs on a runner', () => {
  it('the same models, VAL scores and tuning trials as training them one by one', async () => {
    const local = await train('local');
    const jobs = await train('jobs', poolRunner(2));
    assert.equal(jobs.results.selection.on, 'val', 'selected on the VAL holdout');
    assert.equal(jobs.results.selection.best, local.results.selection.best);
    for (const f of ['model.json', 'preprocessor.json', 'profile.json']) {
      assert.equal(
        readFileSync(join(jobs.runDir, f), 'utf8'),
        readFileSync(join(local.runDir, f), 'utf8'),
        f,
      );
    }
    const view = (r: RunSummary) =>
      r.results.models.map((m) => ({
        name: m.name,
        status: m.status,
        val: m.metrics?.val?.r2,
        params: m.params,
        trials: m.tuning?.history.map((h) => [h.params, h.val_score, h.status]),
        best: m.tuning?.best_trial,
      }));
    assert.deepEqual(view(jobs), view(local));
    const gbdt = jobs.results.models.find((m) => m.name === 'gbdt')!;
    assert.equal(gbdt.tuning?.trials_run, 4, 'every trial ran as a job');
  });
});
