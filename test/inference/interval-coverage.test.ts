import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import YAML from 'yaml';
import { DataCleaner } from '../../src/clean/data-cleaner.js';
import { resolveConfig } from '../../src/config/config.js';
import type { NumericColumn } from '../../src/data/frame.js';
import { DataLoader } from '../../src/data/loader.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { DataSplitter } from '../../src/split/data-splitter.js';
import { trainRun } from './train-run.js';

describe('prediction intervals on ames (ridge, gbdt; default seed)', () => {
  let p: InferencePipeline;
  before(async () => {
    const run = await trainRun('ames', ['ridge', 'gbdt']);
    p = InferencePipeline.load(run.runDir);
  });

  it('results.json: TEST coverage of the 90% intervals within 3 points of nominal', () => {
    const iv = p.results.intervals!;
    // Default interval_method auto: the mode with the lower cross-fitted interval score on VAL.
    const by = p.metadata.calibration!.chosen_by as { criterion: string; absolute: number; adaptive: number };
    assert.equal(by.criterion, 'interval_score');
    assert.equal(iv.mode, by.adaptive < by.absolute ? 'adaptive' : 'absolute');
    assert.equal(iv.coverage, 0.9);
    assert.ok(iv.calibration_rows > 250 && iv.test.n > 500);
    assert.ok(Math.abs(iv.test.coverage - 0.9) <= 0.03, `ames test coverage ${iv.test.coverage}`);
  });

  it('intervals served at inference reproduce the TEST coverage results.json reports', async () => {
    // Recreate the run's TEST rows from its own config (cleaning and split learn nothing).
    const cfg = resolveConfig(YAML.parse(readFileSync(join(p.dir, 'config.yaml'), 'utf8')));
    const { frame } = await DataLoader.load(cfg.data.path!);
    const target = cfg.data.target!;
    const cleaned = new DataCleaner(cfg.cleaning).clean(frame, target).frame;
    const split = new DataSplitter(cfg.split).split(cleaned, target);
    const test = cleaned.take(split.test);
    const b = p.predictFrame(test, { interval: true });
    assert.equal(b.summary.rejected, 0);
    const y = (test.get(target) as NumericColumn).values;
    let hit = 0;
    let width = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] >= b.interval!.lower[i] && y[i] <= b.interval!.upper[i]) hit++;
      width += b.interval!.upper[i] - b.interval!.lower[i];
    }
    assert.equal(hit / y.length, p.results.intervals!.test.coverage);
    assert.ok(Math.abs(width / y.length - p.results.intervals!.test.mean_width) < 1e-6 * width);
  });
});

describe('interval_method from the config: adaptive and none', () => {
  it('adaptive: the stored difficulty model gives each row its own width at inference', async () => {
    const run = await trainRun('concrete', ['ridge'], {
      inference: { interval_method: 'adaptive', interval_coverage: 0.8 },
    });
    const p = InferencePipeline.load(run.runDir);
    assert.equal(p.results.intervals!.mode, 'adaptive');
    assert.equal(p.metadata.calibration!.coverage, 0.8);
    assert.equal(p.metadata.calibration!.difficulty!.model.kind, 'gbdt');
    assert.ok(
      Math.abs(p.results.intervals!.test.coverage - 0.8) <= 0.06,
      `${p.results.intervals!.test.coverage}`,
    );
    const { frame } = await DataLoader.load(run.metadata.data.path);
    const b = p.predictFrame(frame.take(Uint32Array.from({ length: 50 }, (_, i) => i)), { interval: true });
    const widths = new Set(Array.from(b.interval!.upper, (u, i) => (u - b.interval!.lower[i]).toFixed(6)));
    assert.ok(widths.size > 10, `${widths.size} distinct widths`);
    assert.equal(b.interval!.coverage, 0.8);
  });

  it('none: no calibration is stored and predictions carry no interval', async () => {
    const run = await trainRun('concrete', ['ridge'], { inference: { interval_method: 'none' } });
    const p = InferencePipeline.load(run.runDir);
    assert.equal(p.intervals, null);
    assert.equal(p.metadata.calibration, undefined);
    assert.equal(p.results.intervals, undefined);
    const { frame } = await DataLoader.load(run.metadata.data.path);
    const [r] = p.predict(frame.toRecords(1), { interval: true });
    assert.equal(r.status, 'ok');
    assert.equal(r.interval, undefined);
  });
});
