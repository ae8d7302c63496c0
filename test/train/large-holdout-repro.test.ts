/**
 * A holdout run whose VAL is larger than the sampling caps (BOOTSTRAP_ROWS for the selection's
 * standard error, CHOICE_ROWS for the interval mode): the sampled quantities are seeded, so the
 * same data and seed give byte-identical artifacts, and the calibration still covers TEST.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { resolveConfig, TrainingPipeline } from '../../src/index.js';
import { CHOICE_ROWS } from '../../src/inference/conformal.js';
import { BOOTSTRAP_ROWS } from '../../src/train/holdout-selection.js';
import { TmpDir } from '../data/tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

/** 40,000 rows: y = 3·a − b + noise whose spread grows with a (adaptive intervals pay). */
function columns(): Record<string, Float64Array> {
  const rng = new Rng(17);
  const n = 40_000;
  const a = Float64Array.from({ length: n }, () => rng.next() * 4);
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const y = Float64Array.from(a, (v, i) => 3 * v - b[i] + (0.2 + v) * rng.normal());
  return { a, b, y };
}

const run = (dir: string) =>
  new TrainingPipeline(
    resolveConfig({
      data: { target: 'y' },
      models: ['ridge'],
      // 24,000 VAL rows: above both caps.
      split: { train: 0.3, val: 0.6, test: 0.1 },
      output: { dir: tmp.path(dir) },
    }),
  ).fit(columns());

describe('holdout selection on a VAL above the sampling caps', () => {
  it('same data and seed → byte-identical artifacts; intervals compared on a sample still cover TEST', async () => {
    const [one, two] = [await run('one'), await run('two')];
    const meta = (r: { runDir: string }) => JSON.parse(readFileSync(join(r.runDir, 'metadata.json'), 'utf8'));
    const m1 = meta(one);
    assert.ok(m1.split.counts.val > Math.max(CHOICE_ROWS, BOOTSTRAP_ROWS), JSON.stringify(m1.split));
    assert.equal(m1.calibration.chosen_by.compared_rows, CHOICE_ROWS);
    assert.equal(m1.calibration.mode, 'adaptive');
    assert.deepEqual(meta(two).calibration, m1.calibration);
    for (const f of ['model.json', 'preprocessor.json', 'profile.json']) {
      assert.equal(readFileSync(join(one.runDir, f), 'utf8'), readFileSync(join(two.runDir, f), 'utf8'), f);
    }
    assert.equal(one.results.selection.se, two.results.selection.se);
    const cover = one.results.intervals?.test.coverage ?? 0;
    assert.ok(Math.abs(cover - 0.9) < 0.02, `TEST coverage ${cover}`);
  });
});
