/**
 * The gate runs once per promotion: `retrain --then promote` hands the gate it ran to promote()
 * (it used to be evaluated again inside the registry), and a plain promote() evaluates it once.
 * Evaluations are counted on the gate's diagnostics channel.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveConfigUnknown } from '../../src/config/config.js';
import { retrain } from '../../src/loop/retrain.js';
import { GATE_CHANNEL, promote } from '../../src/promotion/index.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { DATA_DIR } from '../helpers/datasets.js';

const TARGET = 'compressive_strength';

/** Gate evaluations while `fn` runs. */
async function countGates(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const onGate = () => {
    n++;
  };
  subscribe(GATE_CHANNEL, onGate);
  try {
    await fn();
  } finally {
    unsubscribe(GATE_CHANNEL, onGate);
  }
  return n;
}

async function train(root: string, data: string, models: unknown[], promoteMode = 'if_none') {
  const cfg = resolveConfigUnknown({
    data: { path: data, target: TARGET },
    models,
    output: { dir: root, promote: promoteMode },
  });
  return new TrainingPipeline(cfg).run();
}

describe('the gate runs once per promotion', () => {
  it('retrain --then promote: once, and the promotion records that evaluation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-gate-once-'));
    const [head, ...lines] = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
    const old = join(dir, 'old.csv');
    const fresh = join(dir, 'fresh.csv');
    writeFileSync(old, `${[head, ...lines.filter((l) => Number(l.split(',')[0]) <= 300)].join('\n')}\n`);
    writeFileSync(fresh, `${[head, ...lines.filter((l) => Number(l.split(',')[0]) > 300)].join('\n')}\n`);
    const root = join(dir, 'models');
    await train(root, old, [{ name: 'gbdt', model: 'gbdt', params: { max_iter: 60 } }, 'linear']);
    let r: Awaited<ReturnType<typeof retrain>> | undefined;
    const n = await countGates(async () => {
      r = await retrain({ root, newData: fresh, onGatePass: 'promote' });
    });
    assert.equal(r!.action, 'promoted', r!.summary);
    assert.equal(n, 1);
    assert.equal(r!.promotion!.decision, 'passed');
    assert.equal(r!.promotion!.candidate, r!.gate.candidate);
    assert.equal(r!.promotion!.incumbent, r!.gate.incumbent);
  });

  it('promote() to production with an incumbent: once; into dev: never', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'tabflow-gate-once-')), 'models');
    const data = join(DATA_DIR, 'concrete.csv');
    // Registered, moved into dev and published as the first production version: no gate.
    assert.equal(await countGates(() => train(root, data, ['ridge'])), 0);
    await train(root, data, ['gbdt'], 'never');
    const reg = await ModelRegistry.open(root);
    try {
      assert.equal(await countGates(() => promote(reg, 1, 'dev')), 0);
      assert.equal(await countGates(() => promote(reg, 2, 'production', { force: true })), 1);
    } finally {
      await reg.close();
    }
  });
});
