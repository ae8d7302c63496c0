import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { assignArm, keyFraction } from '../../src/experiment/assign.js';
import {
  type Experiment,
  readExperiment,
  removeExperiment,
  writeExperiment,
} from '../../src/experiment/experiment.js';

const EXP = { id: 'exp-1', weight: 0.1, shadow: false, key_field: 'customer_id' };

describe('A/B assignment', () => {
  it('keeps one entity on one arm, and gives the challenger its share of entities', () => {
    let challenger = 0;
    for (let k = 0; k < 20_000; k++) {
      const rec = { customer_id: `c${k}`, carat: 1 };
      const arm = assignArm(EXP, rec);
      assert.equal(assignArm(EXP, { ...rec, carat: 2 }), arm, 'same key, same arm');
      if (arm === 'challenger') challenger++;
    }
    // Binomial(20000, 0.1): sd ≈ 42, so ±200 is far beyond chance.
    assert.ok(Math.abs(challenger - 2000) < 200, `challenger got ${challenger} of 20000`);
  });

  it('reshuffles entities between experiments', () => {
    let same = 0;
    for (let k = 0; k < 2000; k++) {
      if (keyFraction('exp-1', `c${k}`) < 0.5 === keyFraction('exp-2', `c${k}`) < 0.5) same++;
    }
    assert.ok(same > 850 && same < 1150, `${same} of 2000 kept their half`);
  });

  it('draws at random without a key, and always answers with the champion in shadow mode', () => {
    const rng = new Rng(7);
    let challenger = 0;
    for (let i = 0; i < 5000; i++)
      if (assignArm(EXP, { carat: 1 }, () => rng.next()) === 'challenger') challenger++;
    assert.ok(Math.abs(challenger - 500) < 90, `${challenger} of 5000`);
    for (let k = 0; k < 100; k++)
      assert.equal(assignArm({ ...EXP, shadow: true }, { customer_id: `c${k}` }), 'champion');
  });

  it('experiment.json round-trips, and bad files or weights get clear errors', () => {
    const root = mkdtempSync(join(tmpdir(), 'tabflow-exp-'));
    assert.equal(readExperiment(root), null);
    const e: Experiment = {
      format_version: 1,
      id: 'exp-1',
      name: 'default',
      champion: { version: 1, run_id: 'a', dir: '/x/a' },
      challenger: { version: 2, run_id: 'b', dir: '/x/b' },
      weight: 0.2,
      shadow: false,
      key_field: null,
      started_at: new Date(0).toISOString(),
    };
    writeExperiment(root, e);
    assert.deepEqual(readExperiment(root), e);
    assert.throws(() => writeExperiment(root, { ...e, weight: 1 }), /strictly between 0 and 1/);
    writeFileSync(join(root, 'experiment.json'), '{"format_version": 9}');
    assert.throws(() => readExperiment(root), /not a tabflow experiment/);
    writeFileSync(join(root, 'experiment.json'), '{');
    assert.throws(() => readExperiment(root), /not valid JSON/);
    removeExperiment(root);
    assert.equal(readExperiment(root), null);
  });
});
