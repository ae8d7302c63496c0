/**
 * Cross-validated selection end to end on real data (concrete, 1,005 rows: `auto` picks
 * cross-validation), through the same TrainingPipeline `tabflow train` runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadArtifacts } from '../../src/artifacts/load-artifacts.js';
import { resolveConfig, resolveConfigUnknown } from '../../src/config/config.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { InferencePipeline } from '../../src/inference/inference-pipeline.js';
import { FittedEnsemble } from '../../src/models/ensemble/fitted-ensemble.js';
import { buildRunReport } from '../../src/report/run-report.js';
import { type RunSummary, TrainingPipeline } from '../../src/train/training-pipeline.js';
import { TmpDir } from '../data/tmp-files.js';
import { DATA_DIR } from '../helpers/datasets.js';

const CONCRETE = join(DATA_DIR, 'concrete.csv');
const TARGET = 'compressive_strength';
const MODELS = ['ridge', 'tree', 'gbdt', 'knn'];

const tmp = new TmpDir();
after(() => tmp.remove());

async function train(extra: Record<string, unknown> = {}, data = CONCRETE): Promise<RunSummary> {
  const out = tmp.path(`models-${Math.random().toString(36).slice(2)}`);
  const cfg = resolveConfigUnknown({
    models: MODELS,
    ...extra,
    data: { path: data, target: TARGET, ...((extra.data as object) ?? {}) },
    output: { dir: out },
  });
  return new TrainingPipeline(cfg, { now: () => new Date('2026-12-01T00:00:00Z') }).run();
}

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('cross-validated selection on concrete', () => {
  let run: RunSummary;
  before(async () => {
    run = await train();
  });

  it('auto picks 5-fold cross-validation for 803 TRAIN+VAL rows and says why', () => {
    const s = run.results.selection;
    assert.equal(s.method, 'cv');
    assert.equal(s.on, 'cv');
    assert.equal(s.folds, 5);
    assert.equal(s.repeats, 1, 'repeats start below 500 rows');
    assert.match(s.reason ?? '', /803 TRAIN\+VAL rows ≤ selection\.cv_max_rows/);
    assert.equal(run.metadata.selected_model.selected_by.method, 'cv');
  });

  it('scores every candidate on 5 folds: mean ± sd of the fold scores, no VAL metrics', () => {
    for (const m of run.results.models) {
      assert.equal(m.status, 'ok', `${m.name}: ${m.error}`);
      const cv = m.cv!;
      assert.equal(cv.folds.length, 5, m.name);
      assert.ok(cv.folds.every(Number.isFinite), m.name);
      const mean = cv.folds.reduce((a, b) => a + b, 0) / 5;
      assert.ok(Math.abs(cv.mean - mean) < 1e-12);
      const sd = Math.sqrt(cv.folds.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
      assert.ok(Math.abs(cv.sd - sd) < 1e-12 && Math.abs(cv.se - sd / Math.sqrt(5)) < 1e-12);
      assert.equal(m.metrics?.val, undefined, 'VAL is part of the folds, not a score of its own');
      assert.ok(m.metrics?.test && m.metrics.train, `${m.name} has train and test metrics`);
    }
    const byName = Object.fromEntries(run.results.models.map((m) => [m.name, m.cv!.mean]));
    // Real signal: boosting beats a single tree, which beats a linear model, on concrete.
    assert.ok(byName.gbdt > byName.tree && byName.tree > byName.ridge, JSON.stringify(byName));
    assert.ok(byName.gbdt > 0.88, `gbdt cv R² ${byName.gbdt}`);
  });

  it('selects the best mean fold score, the ensemble included', () => {
    const ok = run.results.models.filter((m) => m.cv?.complete);
    const top = ok.reduce((a, b) => (b.cv!.mean > a.cv!.mean ? b : a));
    assert.equal(run.results.selection.best, top.name);
    assert.equal(run.best.spec.name, top.name);
  });

  it('stops gbdt on each fold and refits with the mean of the folds’ rounds', () => {
    const g = run.results.models.find((m) => m.name === 'gbdt')!;
    const its = g.cv!.iterations!;
    assert.equal(its.length, 5);
    assert.ok(its.every((k) => k >= 1 && k <= 300));
    const mean = its.reduce((a, b) => a + b, 0) / its.length;
    assert.equal(g.params.max_iter, Math.round(mean));
    assert.equal(g.params.early_stopping, 'false');
    const fitted = run.trained.find((t) => t.spec.name === 'gbdt')!.fitted!;
    assert.equal(fitted.iterations, Math.round(mean));
  });

  it('records the params the saved model was refitted with (not the ones cross-validated)', async () => {
    const only = await train({ models: ['gbdt'] });
    const g = only.results.models[0];
    assert.equal(only.metadata.selected_model.name, 'gbdt');
    assert.deepEqual(only.metadata.selected_model.params, g.params);
    assert.equal(g.params.early_stopping, 'false');
    const saved = JSON.parse(read(only.runDir, 'model.json')) as { params: Record<string, unknown> };
    assert.equal(saved.params.max_iter, g.params.max_iter);
  });

  it('builds the ensemble from the refitted members with weights from out-of-fold predictions', () => {
    const e = run.results.models.find((m) => m.model === 'ensemble')!;
    const weights = e.params.members as Record<string, number>;
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-5, `weights sum ${total}`);
    assert.ok(Object.keys(weights).every((n) => MODELS.includes(n)));
    assert.equal(e.cv!.folds.length, 5, 'nested fold scores');
    const fitted = run.trained.find((t) => t.spec.name === e.name)!.fitted as FittedEnsemble;
    assert.ok(fitted instanceof FittedEnsemble);
    for (const m of fitted.members) {
      const refit = run.trained.find((t) => t.spec.name === m.name)!.fitted!;
      assert.equal(m.model, refit, `${m.name} is the model refitted on TRAIN+VAL`);
    }
  });

  it('calibrates intervals on the 803 out-of-fold residuals; TEST coverage near 90 %', () => {
    const cal = run.metadata.calibration!;
    assert.equal(cal.calibrated_on, 'out_of_fold');
    assert.equal(cal.n, 803);
    const cov = run.results.intervals!.test.coverage;
    assert.ok(cov > 0.84 && cov < 0.97, `TEST coverage ${cov}`);
  });

  it('scores the ensemble from its members’ predictions exactly as the saved ensemble predicts', async () => {
    // gbdt + extra_trees: the blend wins the folds on concrete with the default seed.
    const blend = await train({ models: ['gbdt', 'extra_trees'] });
    assert.equal(blend.best.spec.model, 'ensemble');
    // The report rebuilds the TEST rows and predicts them with the saved model.
    const report = await buildRunReport(blend.runDir);
    const saved = blend.results.models.find((m) => m.name === blend.best.spec.name)!.metrics!.test!;
    assert.equal(report.test!.metrics.r2, saved.r2);
    assert.equal(report.test!.metrics.rmse, saved.rmse);
  });

  it('saves a run that loads, validates and predicts like any other, with exact attributions', () => {
    const a = loadArtifacts(run.runDir);
    assert.equal(a.metadata.run_id, run.runId);
    const p = InferencePipeline.load(run.runDir);
    const rows = readFileSync(CONCRETE, 'utf8').trim().split('\n');
    const names = rows[0].split(',').map((s) => s.replace(/"/g, ''));
    const records = rows.slice(1, 6).map((line) => {
      const v = line.split(',').map(Number);
      return Object.fromEntries(names.filter((n) => n !== TARGET).map((n) => [n, v[names.indexOf(n)]]));
    });
    const out = p.predict(records, { interval: true, explain: true });
    for (const r of out) {
      assert.equal(r.status, 'ok');
      const sum = Object.values(r.attributions!).reduce((a, b) => a + b, 0) + r.base_value!;
      assert.ok(Math.abs(sum - r.prediction!) < 1e-6 * Math.max(1, Math.abs(r.prediction!)));
      assert.ok(r.interval!.lower < r.prediction! && r.prediction! < r.interval!.upper);
    }
  });
});

describe('cross-validation never sees TEST, and is reproducible', () => {
  it('TEST targets changed → the same folds, scores, choice and byte-identical model', async () => {
    const lines = readFileSync(CONCRETE, 'utf8').trim().split('\n');
    const header = `${lines[0]},split`;
    const parts = lines.slice(1).map((_, i) => (i % 5 === 0 ? 'test' : i % 10 === 1 ? 'val' : 'train'));
    const write = (name: string, scaleTest: number) =>
      tmp.write(
        name,
        [
          header,
          ...lines.slice(1).map((l, i) => {
            if (parts[i] !== 'test') return `${l},${parts[i]}`;
            const v = l.split(',');
            v[v.length - 1] = String(Number(v[v.length - 1]) * scaleTest + 7);
            return `${v.join(',')},test`;
          }),
        ].join('\n'),
      );
    const a = await train({ split: { split_column: 'split' } }, write('a.csv', 1));
    const b = await train({ split: { split_column: 'split' } }, write('b.csv', 3));
    assert.equal(a.results.selection.method, 'cv');
    assert.deepEqual(
      a.results.models.map((m) => [m.name, m.cv?.folds]),
      b.results.models.map((m) => [m.name, m.cv?.folds]),
    );
    assert.equal(a.results.selection.best, b.results.selection.best);
    for (const f of ['model.json', 'preprocessor.json'])
      assert.equal(read(a.runDir, f), read(b.runDir, f), f);
    assert.notDeepEqual(a.results.models[0].metrics?.test, b.results.models[0].metrics?.test);
  });

  it('one thread or two, repeated folds: byte-identical model and preprocessor, the same fold scores', async () => {
    const one = await train({ training: { threads: 1 }, selection: { repeats: 2 } });
    const two = await train({ training: { threads: 2 }, selection: { repeats: 2 } });
    assert.equal(one.results.selection.repeats, 2);
    assert.ok(one.results.models.every((m) => m.cv?.folds.length === 10));
    for (const f of ['model.json', 'preprocessor.json', 'profile.json']) {
      assert.equal(read(one.runDir, f), read(two.runDir, f), f);
    }
    assert.deepEqual(
      one.results.models.map((m) => m.cv?.folds),
      two.results.models.map((m) => m.cv?.folds),
    );
  });
});

describe('kernels: the TypeScript and WebAssembly paths train the same run', () => {
  it('TABFLOW_KERNELS=js and =wasm: byte-identical model and preprocessor, the same fold scores and TEST metrics', async () => {
    const saved = process.env.TABFLOW_KERNELS;
    const on = async (mode: string) => {
      process.env.TABFLOW_KERNELS = mode;
      // One thread: fits run here, where the switch is read (pool threads copy the environment once).
      return train({ models: [...MODELS, 'random_forest'], training: { threads: 1 } });
    };
    try {
      const js = await on('js');
      const wasm = await on('wasm');
      for (const f of ['model.json', 'preprocessor.json'])
        assert.equal(read(js.runDir, f), read(wasm.runDir, f), f);
      const scores = (r: RunSummary) => r.results.models.map((m) => [m.name, m.cv?.folds, m.metrics?.test]);
      assert.deepEqual(scores(wasm), scores(js));
      assert.ok(
        js.results.models.some((m) => m.model === 'ensemble'),
        'the ensemble is trained on both paths',
      );
    } finally {
      if (saved === undefined) delete process.env.TABFLOW_KERNELS;
      else process.env.TABFLOW_KERNELS = saved;
    }
  });
});

describe('selection: bad input fails before training, naming the key and what is allowed', () => {
  const small = () => {
    const lines = readFileSync(CONCRETE, 'utf8').trim().split('\n');
    return tmp.write('small.csv', lines.slice(0, 13).join('\n'));
  };

  it('more folds than TRAIN+VAL rows', async () => {
    await assert.rejects(
      train({ selection: { method: 'cv', folds: 20 }, split: { test: 0.2 } }, small()),
      (e: unknown) =>
        e instanceof ConfigError &&
        /selection\.folds = 20 is not allowed: expected an integer from 2 to the 9 rows/.test(e.message),
    );
  });

  it('cv with a time split, and on: test with cv', async () => {
    await assert.rejects(
      train({ split: { strategy: 'time', time_column: 'age' }, selection: { method: 'cv' } }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /selection\.method = "cv" is not allowed with split\.strategy = "time"/.test(e.message),
    );
    const auto = await train({ split: { strategy: 'time', time_column: 'age' }, models: ['ridge'] });
    assert.equal(auto.results.selection.method, 'holdout');
    assert.match(auto.results.selection.reason ?? '', /time split/);
    assert.throws(
      () => resolveConfig({ selection: { method: 'cv', on: 'test' } }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /selection\.on = "test" is not allowed with selection\.method = "cv"/.test(e.message),
    );
  });

  it('a split column with no TRAIN rows, or no VAL rows for holdout', async () => {
    const lines = readFileSync(CONCRETE, 'utf8').trim().split('\n');
    const noTrain = tmp.write(
      'notrain.csv',
      [`${lines[0]},split`, ...lines.slice(1, 200).map((l, i) => `${l},${i % 2 ? 'val' : 'test'}`)].join(
        '\n',
      ),
    );
    await assert.rejects(
      train({ split: { split_column: 'split' } }, noTrain),
      (e: unknown) =>
        e instanceof DataError && /split column "split" has no rows labelled train/.test(e.message),
    );
    const noVal = tmp.write(
      'noval.csv',
      [`${lines[0]},split`, ...lines.slice(1, 200).map((l, i) => `${l},${i % 4 ? 'train' : 'test'}`)].join(
        '\n',
      ),
    );
    const split = { split_column: 'split', train: 0.8, val: 0, test: 0.2 };
    await assert.rejects(
      train({ split, selection: { method: 'holdout' } }, noVal),
      (e: unknown) =>
        e instanceof DataError &&
        e.code === 'no_val_rows' &&
        /selection\.method = holdout selects on VAL, but the split left no VAL rows/.test(e.message) &&
        /selection\.method: cv/.test(e.message),
    );
    // auto has no VAL to select on either, and cross-validates TRAIN instead.
    const r = await train({ split, models: ['ridge', 'tree'] }, noVal);
    assert.equal(r.results.selection.method, 'cv');
  });
});
