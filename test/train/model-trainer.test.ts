import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Matrix, takeRows } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { mae, r2 } from '../../src/metrics/regression.js';
import '../../src/models/index.js';
import { resolveCandidates } from '../../src/train/candidates.js';
import { importanceBySource, ModelTrainer, type PreparedData } from '../../src/train/model-trainer.js';
import { concrete, splitIdx } from '../helpers/datasets.js';
import { registerFakeModels } from '../helpers/fake-models.js';

registerFakeModels();

function prepared(): PreparedData {
  const d = concrete();
  const { train, test } = splitIdx(d.X.rows, 0.3, 5);
  const half = Math.floor(test.length / 2);
  const val = test.slice(0, half);
  const te = test.slice(half);
  const xy = (idx: Uint32Array): { X: Matrix; y: Float64Array } => ({
    X: takeRows(d.X, idx),
    y: Float64Array.from(idx, (i) => d.y[i]),
  });
  return {
    features: d.names.map((n) => ({ name: n, kind: 'numeric' as const, source: n })),
    train: xy(train),
    val: xy(val),
    test: xy(te),
  };
}

describe('ModelTrainer', () => {
  const data = prepared();
  const opts = { seed: 1, candidateBudgetS: null, totalBudgetS: null };

  it('records a failing candidate and goes on with the others', async () => {
    const cands = resolveCandidates([
      'test_mean',
      'test_fail',
      { name: 'shifted', model: 'test_mean', params: { shift: 5 } },
    ]);
    const events: string[] = [];
    const trainer = new ModelTrainer(cands, { ...opts, onEvent: (e) => events.push(`${e.type}:${e.name}`) });
    const trained = await trainer.trainAll(() => data);
    trainer.evaluateAll(trained, () => data);
    assert.deepEqual(
      trained.map((t) => t.result.status),
      ['ok', 'failed', 'ok'],
    );
    assert.match(trained[1].result.error!, /diverged/);
    assert.ok(trained[0].result.metrics?.test?.r2 !== undefined);
    assert.ok(events.includes('model_end:test_fail'));
  });

  it('selects by the metric and its direction, on the chosen split', async () => {
    const cands = resolveCandidates([
      { name: 'far', model: 'test_mean', params: { shift: 30 } },
      { name: 'near', model: 'test_mean', params: { shift: 0 } },
    ]);
    const trainer = new ModelTrainer(cands, opts);
    const trained = await trainer.trainAll(() => data);
    trainer.evaluateAll(trained, () => data);
    assert.equal(trainer.selectBest(trained, 'r2', 'val')?.spec.name, 'near');
    assert.equal(trainer.selectBest(trained, 'rmse', 'val')?.spec.name, 'near');
    assert.equal(trainer.selectBest(trained, 'mae', 'test')?.spec.name, 'near');
  });

  it('stops an over-budget candidate through its signal', async () => {
    const trainer = new ModelTrainer(resolveCandidates(['test_slow']), { ...opts, candidateBudgetS: 0.2 });
    const t0 = performance.now();
    const [t] = await trainer.trainAll(() => data);
    assert.ok(performance.now() - t0 < 5000);
    assert.equal(t.result.status, 'ok');
    assert.deepEqual(t.result.notes, ['stopped by the time budget']);
  });

  it('skips candidates once the run budget is used up', async () => {
    const trainer = new ModelTrainer(resolveCandidates(['test_slow', 'test_mean']), {
      ...opts,
      totalBudgetS: 0.2,
    });
    const trained = await trainer.trainAll(() => data);
    assert.equal(trained[1].result.status, 'skipped');
    assert.match(trained[1].result.error!, /time budget/);
  });

  it('computes train metrics on a seeded sample when asked, the same rows for every candidate', async () => {
    const trainer = new ModelTrainer(resolveCandidates(['test_mean']), { ...opts, trainMetricsRows: 100 });
    const [t] = await trainer.trainAll(() => data);
    trainer.evaluateAll([t], () => data);
    const idx = new Rng(opts.seed).permutation(data.train.y.length).slice(0, 100).sort();
    let mean = 0;
    for (const v of data.train.y) mean += v;
    mean /= data.train.y.length;
    const want = mae(
      Float64Array.from(idx, (i) => data.train.y[i]),
      new Float64Array(100).fill(mean),
    );
    assert.ok(Math.abs(t.result.metrics!.train!.mae - want) < 1e-9);
    assert.notEqual(
      t.result.metrics!.train!.mae,
      mae(data.train.y, new Float64Array(data.train.y.length).fill(mean)),
    );
  });

  it('tunes on VAL with a seeded random search: trial 0 is the given params, the best VAL score wins', async () => {
    const d = prepared();
    const cands = resolveCandidates([{ name: 'knn_tuned', model: 'knn', tuning: { trials: 6 } }]);
    const run = async () => {
      const trainer = new ModelTrainer(cands, { ...opts, tuneMetric: 'r2' });
      const [t] = await trainer.trainAll(() => d);
      return t;
    };
    const t = await run();
    const tuning = t.result.tuning!;
    assert.equal(tuning.trials_run, 6);
    assert.deepEqual(tuning.history[0].params, cands[0].params);
    const scores = tuning.history.map((h) => h.val_score!);
    assert.equal(Math.max(...scores), scores[tuning.best_trial]);
    assert.ok(scores[tuning.best_trial] >= scores[0]);
    assert.deepEqual(t.result.params, tuning.history[tuning.best_trial].params);
    // The returned model is the winning trial's: its VAL score is the best one.
    assert.equal(r2(d.val.y, t.fitted!.predict(d.val.X)), scores[tuning.best_trial]);
    const again = (await run()).result.tuning!.history;
    const strip = (h: typeof again) => h.map(({ params, val_score }) => ({ params, val_score }));
    assert.deepEqual(strip(again), strip(tuning.history));
  });

  it('stops tuning when its time budget runs out and keeps the best so far', async () => {
    const cands = resolveCandidates([
      {
        name: 'rf',
        model: 'random_forest',
        params: { n_estimators: 20 },
        tuning: { trials: 500, time_budget_s: 0.5 },
      },
    ]);
    const [t] = await new ModelTrainer(cands, opts).trainAll(() => data);
    assert.equal(t.result.status, 'ok');
    assert.ok(t.result.tuning!.trials_run >= 1 && t.result.tuning!.trials_run < 500);
  });

  it('rejects tuning for a family without a search space, and bad tuning values', () => {
    assert.throws(() => resolveCandidates([{ model: 'linear', tuning: { trials: 5 } }]), /no search space/);
    assert.throws(() => resolveCandidates([{ model: 'ridge', tuning: { trials: 0 } }]), /tuning\.trials = 0/);
  });

  it('maps importances back to the input columns', () => {
    const imp = importanceBySource(Float64Array.from([0.5, 0.2, 0.3]), [
      { name: 'cut=Ideal', kind: 'numeric', source: 'cut' },
      { name: 'carat', kind: 'numeric', source: 'carat' },
      { name: 'cut=Good', kind: 'numeric', source: 'cut' },
    ]);
    assert.deepEqual(Object.keys(imp), ['cut', 'carat']);
    assert.ok(Math.abs(imp.cut - 0.8) < 1e-12);
  });
});
