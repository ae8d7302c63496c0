import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadArtifacts } from '../../src/artifacts/load-artifacts.js';
import { DataLoader } from '../../src/data/loader.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { trainRun } from './train-run.js';

type Run = Awaited<ReturnType<typeof trainRun>>;

describe('InferencePipeline on a concrete run (ridge, gbdt; selected on the VAL holdout)', () => {
  let run: Run;
  let second: Run;
  before(async () => {
    // Split conformal on VAL residuals (the cross-validated calibration is tested in test/train).
    run = await trainRun('concrete', ['ridge', 'gbdt'], { selection: { method: 'holdout' } });
    second = await trainRun('concrete', ['ridge']);
  });

  it('loads a run folder and the production link, naming the model and run', () => {
    const p = InferencePipeline.load(run.runDir);
    assert.equal(p.runId, run.runId);
    assert.equal(p.modelName, run.best.spec.name);
    assert.deepEqual(
      p.contract.features.map((f) => f.name),
      [
        'cement',
        'blast_furnace_slag',
        'fly_ash',
        'water',
        'superplasticizer',
        'coarse_aggregate',
        'fine_aggregate',
        'age',
      ],
    );
    assert.deepEqual(p.contract.ignored, ['compressive_strength']);
    const prod = InferencePipeline.load(join(run.root, 'production'));
    assert.equal(prod.runId, run.runId);
    const cement = p.contract.features[0];
    assert.equal(cement.type, 'numeric');
    assert.ok(cement.quantiles && cement.quantiles['0.01'] <= cement.quantiles['0.5']);
  });

  it('predicts exactly model.predict(preprocessor.transform(rows)) for records and frames', async () => {
    const p = InferencePipeline.load(run.runDir);
    const { frame } = await DataLoader.load(join(DATA_DIR, 'concrete.csv'));
    const a = loadArtifacts(run.runDir);
    const want = a.model.predict(a.preprocessor.transform(frame.drop(['compressive_strength'])).X);
    const batch = p.predictFrame(frame);
    assert.deepEqual(batch.prediction, want);
    assert.equal(batch.summary.rejected, 0);
    // The target column in a file is expected (ignored silently), not an unexpected field.
    assert.equal(batch.summary.byCode.unexpected_field, 0);
    const records = frame.toRecords(50);
    const res = p.predict(records);
    assert.equal(res.length, 50);
    res.forEach((r, i) => {
      assert.equal(r.status, 'ok');
      assert.equal(r.prediction, want[i]);
      assert.deepEqual(r.model, { name: run.best.spec.name, run_id: run.runId });
    });
  });

  it('refuses a tampered or mixed folder, naming the file', () => {
    const dir = join(run.root, 'tampered');
    mkdirSync(dir);
    for (const f of readdirSync(run.runDir)) copyFileSync(join(run.runDir, f), join(dir, f));
    const model = readFileSync(join(dir, 'model.json'), 'utf8');
    writeFileSync(join(dir, 'model.json'), model.replace('{', '{ '));
    assert.throws(() => InferencePipeline.load(dir), /model\.json does not belong to run/);
    copyFileSync(join(run.runDir, 'model.json'), join(dir, 'model.json'));
    assert.equal(InferencePipeline.load(dir).runId, run.runId);
    copyFileSync(join(second.runDir, 'preprocessor.json'), join(dir, 'preprocessor.json'));
    assert.throws(() => InferencePipeline.load(dir), /preprocessor\.json does not belong to run/);
    assert.throws(() => InferencePipeline.load(join(run.root, 'nope')), /No artifacts at/);
  });

  it('stores a split-conformal calibration whose TEST coverage is within 3 points of 90%', () => {
    const p = InferencePipeline.load(run.runDir);
    const cal = p.metadata.calibration!;
    assert.equal(cal.method, 'split_conformal');
    assert.equal(cal.coverage, 0.9);
    assert.equal(cal.rank, Math.ceil((cal.n + 1) * 0.9));
    const t = p.results.intervals!.test;
    assert.ok(Math.abs(t.coverage - 0.9) <= 0.03, `test coverage ${t.coverage}`);
    assert.ok(t.mean_width > 0 && Number.isFinite(t.mean_width));
  });

  it('attaches intervals that cover held-out targets at the nominal rate', async () => {
    const p = InferencePipeline.load(run.runDir);
    const { frame } = await DataLoader.load(join(DATA_DIR, 'concrete.csv'));
    const split = p.metadata.split as { counts: { test: number } };
    assert.ok(split.counts.test > 150);
    const b = p.predictFrame(frame, { interval: true });
    const iv = b.interval!;
    assert.equal(iv.coverage, 0.9);
    const y = (frame.get('compressive_strength') as { values: Float64Array }).values;
    let hit = 0;
    for (let i = 0; i < y.length; i++) {
      assert.ok(iv.lower[i] < b.prediction[i] && b.prediction[i] < iv.upper[i]);
      if (y[i] >= iv.lower[i] && y[i] <= iv.upper[i]) hit++;
    }
    // All rows (train included, where the model fits better) cover at least the nominal rate.
    assert.ok(hit / y.length >= 0.87, `coverage on all rows ${hit / y.length}`);
    const [r] = p.predict(frame.toRecords(1), { interval: true });
    assert.equal(r.interval!.lower, iv.lower[0]);
    assert.equal(r.interval!.upper, iv.upper[0]);
  });
});

describe('explanations of a model-agnostic model (knn on concrete)', () => {
  it('stores a seeded TRAIN background at training and explains against it; sums are exact', async () => {
    const run = await trainRun('concrete', ['knn']);
    const p = InferencePipeline.load(run.runDir);
    const bg = p.metadata.explain_background!;
    assert.equal(bg.rows, 50);
    assert.equal(bg.cols, 8);
    assert.ok(p.canExplain);
    const { frame } = await DataLoader.load(join(DATA_DIR, 'concrete.csv'));
    const res = p.predict(frame.toRecords(3), { explain: true });
    for (const r of res) {
      const sum = Object.values(r.attributions!).reduce((s, x) => s + x, r.base_value!);
      assert.ok(Math.abs(sum - r.prediction!) < 1e-6, `${sum} vs ${r.prediction}`);
    }
    // Reproducible: the same request gives the same attributions.
    assert.deepEqual(p.predict(frame.toRecords(3), { explain: true }), res);
    // Exact methods store no background.
    const ridge = await trainRun('concrete', ['ridge']);
    assert.equal(InferencePipeline.load(ridge.runDir).metadata.explain_background, undefined);
  });
});
