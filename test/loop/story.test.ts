/**
 * The seed's production loop told on real data (issue 6's story): a model trained on small
 * diamonds is served; larger stones arrive; monitoring sees the drift and, once actuals come back,
 * the accuracy loss; retraining on the feedback gives a challenger that passes the gate on fresh
 * held-out rows; an A/B test on live traffic shows it is better and concluding promotes it, and
 * the server switches to it. Then the opposite: a worse challenger is kept out, by the gate and by
 * an A/B (shadow) test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/config.js';
import { Rng } from '../../src/core/random.js';
import { cellValue } from '../../src/data/frame.js';
import { DataLoader } from '../../src/data/loader.js';
import { csvLine } from '../../src/data/write-csv.js';
import { concludeExperiment, startExperiment } from '../../src/experiment/ab-service.js';
import { readExperiment } from '../../src/experiment/experiment.js';
import { resolveExperimentConfig } from '../../src/experiment/experiment-config.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { openLogForReading, PredictionLog, summarizeLog } from '../../src/log/index.js';
import { monitoredModelOf, runMonitoring } from '../../src/loop/monitoring.js';
import { resolveMonitoringConfig } from '../../src/loop/monitoring-config.js';
import { retrain } from '../../src/loop/retrain.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { createServer, ExperimentFollower, StageFollower } from '../../src/serve/index.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { DATA_DIR } from '../helpers/datasets.js';

type Rec = Record<string, string | number | boolean | null>;
interface Served {
  request_id: string;
  version: number;
  arm: string | null;
  actual: number;
}

const AB = resolveExperimentConfig({ min_samples: 100, max_samples: 250 });

describe('story: drift → feedback → retrain → A/B → promote, and a worse challenger kept out', () => {
  let root: string;
  let traffic: Rec[][];
  let server: Awaited<ReturnType<typeof startServer>>;

  before(async () => {
    const all = (await DataLoader.load(join(DATA_DIR, 'diamonds.csv'))).frame;
    const rows = Array.from({ length: all.nRows }, (_, i) =>
      Object.fromEntries(all.names.map((c) => [c, cellValue(all.get(c), i)])),
    ) as Rec[];
    shuffle(rows, new Rng(11));
    const small = rows.filter((r) => (r.carat as number) < 1);
    const large = rows.filter((r) => (r.carat as number) >= 1);
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-story-'));
    const file = join(dir, 'small-diamonds.csv');
    writeFileSync(
      file,
      csvLine(all.names) +
        small
          .slice(0, 5000)
          .map((r) => csvLine(all.names.map((c) => r[c])))
          .join(''),
    );
    traffic = [large.slice(0, 800), large.slice(800, 1500), large.slice(1500, 1900)];
    root = join(dir, 'models');
    const cfg = resolveConfig({
      data: { path: file, target: 'price' },
      models: [{ name: 'gbdt', model: 'gbdt', params: { max_iter: 80 } }],
      output: { dir: root },
      retrain: { ab_weight: 0.5 },
    });
    await new TrainingPipeline(cfg).run();
    server = await startServer(root);
  });
  after(async () => {
    await server?.app.close();
  });

  it('sees larger stones arrive as drift, then as an accuracy alarm once actuals come back', async () => {
    const served = await send(server, traffic[0]);
    assert.ok(
      served.every((s) => s.version === 1 && s.arm === null),
      JSON.stringify(served[0]),
    );
    await server.log.flush();
    const model = monitoredModelOf(join(root, 'production'));
    const cfg = resolveMonitoringConfig({});
    const before = await runMonitoring(model, join(root, 'predictions.sqlite'), cfg);
    assert.equal(before.drift?.dataset.drifted, true);
    assert.ok(before.drift?.dataset.drifted_features.includes('carat'));
    assert.equal(before.live.current.n, 0, 'no actuals yet');
    await feedback(server, served);
    const after = await runMonitoring(model, join(root, 'predictions.sqlite'), cfg);
    assert.equal(after.live.current.n, 800);
    assert.ok(
      after.alarms.some((a) => a.kind === 'rmse'),
      `expected an RMSE alarm: live ${after.live.current.rmse} vs TEST ${model.test?.rmse}`,
    );
  });

  it('retrains on the feedback; the challenger passes the gate and an A/B test starts', async () => {
    const r = await retrain({ root, fromFeedback: true });
    assert.equal(r.data.rows.feedback, 800);
    assert.ok(r.gate.passed, r.summary);
    assert.equal(r.action, 'ab_started', r.summary);
    const e = readExperiment(root);
    assert.equal(e?.champion.version, 1);
    assert.equal(e?.challenger.version, 2);
    await server.experiments.reload();
  });

  it('live traffic splits between the arms; the challenger wins and concluding promotes it', async () => {
    const served = await send(server, traffic[1]);
    const arms = new Map<string, number>();
    for (const s of served) arms.set(`${s.arm}:v${s.version}`, (arms.get(`${s.arm}:v${s.version}`) ?? 0) + 1);
    assert.deepEqual([...arms.keys()].sort(), ['challenger:v2', 'champion:v1']);
    assert.ok(
      (arms.get('challenger:v2') ?? 0) > 250 && (arms.get('champion:v1') ?? 0) > 250,
      JSON.stringify([...arms]),
    );
    await feedback(server, served);
    await server.log.flush();
    const db = await openLogForReading(join(root, 'predictions.sqlite'));
    try {
      const byArm = (await summarizeLog(db)).by_run
        .filter((r) => r.arm !== null)
        .map((r) => `${r.arm}:v${r.model_version}:${r.rows}`);
      const want = [...arms].map(([k, n]) => `${k}:${n}`);
      assert.deepEqual(byArm.sort(), want.sort(), 'the log counts each arm as the responses did');
    } finally {
      await db.close();
    }
    const c = await concludeExperiment(root, { config: AB });
    assert.equal(c.status.verdict, 'challenger_better', c.reason);
    assert.equal(c.outcome, 'promoted', c.reason);
    assert.equal(c.promotion?.applied, true);
    assert.equal(readExperiment(root), null, 'the experiment is over');
    await server.source.reload();
    await server.experiments.reload();
    const [one] = await send(server, traffic[2].slice(0, 1));
    assert.equal(one.version, 2, 'the server now answers with the promoted challenger');
    assert.equal(one.arm, null);
  });

  it('a worse challenger is refused by the gate, and a shadow A/B keeps the champion', async () => {
    const r = await retrain({ root, fromFeedback: true, models: ['linear'] });
    assert.equal(r.gate.passed, false, r.summary);
    assert.equal(r.action, 'kept');
    assert.equal(readExperiment(root), null, 'no A/B test for a refused challenger');
    // Shadow-test it anyway: it scores every request beside production, never answers.
    await startExperiment(root, {
      challenger: r.challenger.version,
      shadow: true,
      reason: 'story: worse model',
    });
    await server.experiments.reload();
    const served = await send(server, traffic[2].slice(1, 301));
    assert.ok(
      served.every((s) => s.version === 2),
      'production answers every request',
    );
    await feedback(server, served);
    const c = await concludeExperiment(root, { config: AB });
    assert.equal(c.status.design, 'shadow');
    assert.equal(c.status.verdict, 'champion_better', c.reason);
    assert.equal(c.outcome, 'kept_champion');
    const reg = await ModelRegistry.open(root);
    try {
      assert.equal((await reg.stageVersion('production'))?.version, 2);
      const types = (await reg.history()).map((e) => `${e.type}:${e.decision ?? ''}`);
      for (const t of ['retrain:passed', 'ab_start:', 'promote:passed', 'ab_conclude:', 'retrain:refused']) {
        assert.ok(
          types.some((x) => x.startsWith(t)),
          `history has ${t}: ${types.join(' ')}`,
        );
      }
    } finally {
      await reg.close();
    }
  });
});

async function startServer(root: string) {
  const load = (dir: string) => InferencePipeline.load(dir);
  const source = await StageFollower.open({
    link: join(root, 'production'),
    load,
    pollMs: 0,
    stage: 'production',
  });
  const experiments = await ExperimentFollower.open({ root, load, pollMs: 0 });
  const log = await PredictionLog.open(join(root, 'predictions.sqlite'), { flushMs: 20 });
  const app = await createServer({ source, log, experiments });
  return { app, source, experiments, log };
}

async function send(s: Awaited<ReturnType<typeof startServer>>, rows: Rec[]): Promise<Served[]> {
  const out: Served[] = [];
  for (const r of rows) {
    const { price, ...input } = r;
    const res = await s.app.inject({ method: 'POST', url: '/predict', payload: input });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as {
      request_id: string;
      model: { version: number };
      predictions: { model: { version?: number; arm?: string } }[];
    };
    const m = body.predictions[0].model;
    out.push({
      request_id: body.request_id,
      version: m.version ?? body.model.version,
      arm: m.arm ?? null,
      actual: price as number,
    });
  }
  return out;
}

async function feedback(s: Awaited<ReturnType<typeof startServer>>, served: Served[]): Promise<void> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/feedback',
    payload: { feedback: served.map((x) => ({ request_id: x.request_id, actual: x.actual })) },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((res.json() as { accepted: number }).accepted, served.length);
}

function shuffle<T>(xs: T[], rng: Rng): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
}
