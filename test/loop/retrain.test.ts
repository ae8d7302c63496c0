import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { resolveConfigUnknown } from '../../src/config/config.js';
import { retrain, type StartAbInput } from '../../src/loop/retrain.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { DATA_DIR } from '../helpers/datasets.js';

const GBDT = { name: 'gbdt', model: 'gbdt', params: { max_iter: 60 } };

/** Concrete split by cement: production knows only the low-cement mixes; the rest arrive later. */
function splitConcrete(dir: string): { old: string; fresh: string } {
  const [head, ...lines] = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
  const low = lines.filter((l) => Number(l.split(',')[0]) <= 300);
  const high = lines.filter((l) => Number(l.split(',')[0]) > 300);
  const old = join(dir, 'old.csv');
  const fresh = join(dir, 'fresh.csv');
  writeFileSync(old, `${[head, ...low].join('\n')}\n`);
  writeFileSync(fresh, `${[head, ...high].join('\n')}\n`);
  return { old, fresh };
}

async function trainProduction(dir: string, data: string): Promise<string> {
  const root = join(dir, 'models');
  const cfg = resolveConfigUnknown({
    data: { path: data, target: 'compressive_strength' },
    models: [GBDT, 'linear'],
    output: { dir: root },
  });
  await new TrainingPipeline(cfg).run();
  return root;
}

describe('tabflow retrain (library)', () => {
  let dir: string;
  let files: { old: string; fresh: string };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tabflow-retrain-'));
    files = splitConcrete(dir);
  });

  it('a challenger trained with the new rows beats production on fresh held-out rows and is promoted', async () => {
    const root = await trainProduction(mkdtempSync(join(dir, 'a-')), files.old);
    const r = await retrain({ root, newData: files.fresh, onGatePass: 'promote' });
    assert.equal(r.champion.version, 1);
    assert.equal(r.challenger.version, 2);
    assert.equal(r.data.rows.new_file, 413);
    assert.equal(r.gate.metric, 'rmse');
    assert.ok(r.gate.passed, r.summary);
    assert.ok(r.gate.candidate < r.gate.incumbent, r.summary);
    assert.equal(r.action, 'promoted');
    const reg = await ModelRegistry.open(root);
    try {
      assert.equal((await reg.stageVersion('production'))?.version, 2);
      const ev = (await reg.history()).filter((e) => e.type === 'retrain');
      assert.equal(ev.length, 1);
      assert.equal(ev[0].decision, 'passed');
      assert.equal((ev[0].details as { action: string }).action, 'promoted');
    } finally {
      await reg.close();
    }
  });

  it('a worse challenger is kept out, the decision recorded with its numbers', async () => {
    // No shift this time: new rows like the old ones, and a plain linear model cannot match boosting.
    const [head, ...lines] = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
    const sub = mkdtempSync(join(dir, 'b-'));
    writeFileSync(join(sub, 'old.csv'), `${[head, ...lines.filter((_, i) => i % 5 !== 0)].join('\n')}\n`);
    writeFileSync(join(sub, 'new.csv'), `${[head, ...lines.filter((_, i) => i % 5 === 0)].join('\n')}\n`);
    const root = await trainProduction(sub, join(sub, 'old.csv'));
    const r = await retrain({
      root,
      newData: join(sub, 'new.csv'),
      models: ['linear'],
      onGatePass: 'promote',
    });
    assert.ok((r.gate.rows.seen_by_incumbent ?? 0) > 0, 'rows production learned from are left out');
    assert.equal(r.gate.passed, false, r.summary);
    assert.ok(r.gate.candidate > r.gate.incumbent);
    assert.equal(r.action, 'kept');
    assert.match(
      r.summary,
      /gate refused v2: rmse [\d.]+ \(v2\) vs [\d.]+ \(v1\) on \d+ fresh held-out rows/,
    );
    const reg = await ModelRegistry.open(root);
    try {
      assert.equal((await reg.stageVersion('production'))?.version, 1);
      assert.equal((await reg.stageVersion('dev'))?.version, 2, 'the challenger stays registered in dev');
      const ev = (await reg.history()).find((e) => e.type === 'retrain');
      assert.equal(ev?.decision, 'refused');
    } finally {
      await reg.close();
    }
  });

  it('starts an A/B test through the injected service when configured to', async () => {
    const root = await trainProduction(mkdtempSync(join(dir, 'c-')), files.old);
    const started: StartAbInput[] = [];
    const r = await retrain({ root, newData: files.fresh, startAb: (_root, o) => started.push(o) });
    assert.equal(r.action, 'ab_started');
    assert.deepEqual(
      started.map((s) => [s.challenger, s.weight, s.shadow, s.key]),
      [[2, 0.1, false, null]],
    );
  });

  it('refuses to run without new data or without a production version', async () => {
    await assert.rejects(retrain({ root: join(dir, 'none') }), /needs new labelled rows/);
    await assert.rejects(
      retrain({ root: mkdtempSync(join(dir, 'empty-')), newData: files.fresh }),
      /has no production version/,
    );
  });
});
