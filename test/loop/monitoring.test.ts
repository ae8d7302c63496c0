import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { cellValue, type Frame } from '../../src/data/frame.js';
import { DataLoader } from '../../src/data/loader.js';
import { csvLine } from '../../src/data/write-csv.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { FeedbackStore } from '../../src/log/feedback.js';
import { PredictionLog } from '../../src/log/prediction-log.js';
import { monitoredModelOf, runMonitoring } from '../../src/loop/monitoring.js';
import { resolveMonitoringConfig } from '../../src/loop/monitoring-config.js';
import { monitoringHtml } from '../../src/report/monitor-html.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { trainFile } from '../inference/train-run.js';

type Rec = Record<string, string | number | boolean | null>;

function records(frame: Frame, rows: ArrayLike<number>): Rec[] {
  return Array.from(rows, (i) => Object.fromEntries(frame.names.map((c) => [c, cellValue(frame.get(c), i)])));
}

/** Score `recs` like the server does and log each row under its own request id. */
function serveAndLog(p: InferencePipeline, log: PredictionLog, recs: Rec[], prefix: string): void {
  const inputs = recs.map(({ price: _, ...r }) => r);
  const out = p.predict(inputs, { interval: true });
  out.forEach((r, i) => {
    log.append({
      requestId: `${prefix}-${i}`,
      row: 0,
      modelName: r.model.name,
      runId: r.model.run_id,
      status: r.status,
      prediction: r.prediction,
      interval: r.interval,
      features: inputs[i],
    });
  });
}

describe('monitoring (drift + live accuracy from the prediction log)', () => {
  let small: Rec[];
  let large: Rec[];
  let prodDir: string;

  before(async () => {
    // Train on small stones only; larger ones arrive later.
    const all = (await DataLoader.load(join(DATA_DIR, 'diamonds.csv'))).frame;
    const carat = all.get('carat');
    const idxSmall: number[] = [];
    const idxLarge: number[] = [];
    for (let i = 0; i < all.nRows; i++) ((cellValue(carat, i) as number) < 1 ? idxSmall : idxLarge).push(i);
    const rng = new Rng(3);
    for (let i = idxSmall.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [idxSmall[i], idxSmall[j]] = [idxSmall[j], idxSmall[i]];
    }
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-mon-'));
    const trainRows = idxSmall.slice(0, 6000);
    const file = join(dir, 'small.csv');
    writeFileSync(
      file,
      csvLine(all.names) +
        records(all, trainRows)
          .map((r) => csvLine(all.names.map((c) => r[c])))
          .join(''),
    );
    small = records(all, idxSmall.slice(20_000, 20_600));
    large = records(all, idxLarge.slice(0, 600));
    const run = await trainFile(file, 'price', ['ridge']);
    prodDir = join(run.root, 'production');
  });

  it('sees no drift on more rows like the training ones, and flags larger stones arriving', async () => {
    const model = monitoredModelOf(prodDir);
    assert.ok(model.profile, 'the run stored a reference profile');
    assert.equal(model.coverage, 0.9);
    const cfg = resolveMonitoringConfig({});
    const logFile = join(mkdtempSync(join(tmpdir(), 'tabflow-mon-log-')), 'predictions.sqlite');
    const log = await PredictionLog.open(logFile);
    serveAndLog(InferencePipeline.load(prodDir), log, small, 'small');
    await log.close();
    const calm = await runMonitoring(model, logFile, cfg);
    // The registered name (the production release's), and the family apart, as the server answers.
    assert.deepEqual([calm.model.name, calm.model.family, calm.model.version], ['default', 'ridge', 1]);
    assert.equal(calm.window.rows, 600);
    assert.equal(calm.drift?.dataset.drifted, false, JSON.stringify(calm.drift?.dataset));
    assert.equal(calm.status, 'ok');
    assert.deepEqual(calm.alarms, []);
    assert.equal(calm.live.current.n, 0);
    assert.match(calm.live.note ?? '', /0 actuals for this version/);

    const log2 = await PredictionLog.open(logFile);
    serveAndLog(InferencePipeline.load(prodDir), log2, large, 'large');
    await log2.close();
    const shifted = await runMonitoring(model, logFile, cfg, { window: 600 });
    assert.equal(shifted.drift?.dataset.drifted, true);
    const drifted = shifted.drift?.dataset.drifted_features ?? [];
    for (const f of ['carat', 'x', 'y', 'z']) assert.ok(drifted.includes(f), `${f} drifted: ${drifted}`);
    assert.equal(shifted.drift?.prediction?.drifted, true);
    assert.equal(shifted.status, 'alarm');
    assert.match(shifted.alarms[0].message, /dataset drift: \d+ of \d+ features drifted/);
  });

  it('joins feedback into live accuracy, alarms on an RMSE far above TEST, and renders the report', async () => {
    const model = monitoredModelOf(prodDir);
    const logFile = join(mkdtempSync(join(tmpdir(), 'tabflow-mon-log-')), 'predictions.sqlite');
    const log = await PredictionLog.open(logFile);
    serveAndLog(InferencePipeline.load(prodDir), log, small, 'small');
    serveAndLog(InferencePipeline.load(prodDir), log, large, 'large');
    await log.close();
    const fb = await FeedbackStore.open(logFile);
    const sent = await fb.record([
      ...small.map((r, i) => ({ request_id: `small-${i}`, actual: r.price })),
      ...large.map((r, i) => ({ request_id: `large-${i}`, actual: r.price })),
    ]);
    await fb.close();
    assert.equal(sent.accepted, 1200);
    const cfg = resolveMonitoringConfig({});
    const all = await runMonitoring(model, logFile, cfg, { window: 1200 });
    assert.equal(all.live.current.n, 1200);
    assert.equal(all.live.by_version.length, 1);
    assert.equal(all.live.by_version[0].run_id, model.runId);
    const test = model.test!;
    // Latest 600 are the large stones: a linear model fitted below 1 carat extrapolates badly.
    const r = await runMonitoring(model, logFile, cfg, { window: 600 });
    assert.equal(r.live.current.n, 600);
    assert.ok(r.live.current.rmse! > 1.5 * test.rmse, `live ${r.live.current.rmse} vs test ${test.rmse}`);
    const kinds = r.alarms.map((a) => a.kind);
    assert.ok(kinds.includes('rmse'), kinds.join(','));
    assert.ok(r.live.over_time.length >= 2);
    const html = monitoringHtml(r, { maxRmseRatio: cfg.max_rmse_ratio });
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(!/<script/i.test(html), 'a static report has no script');
    assert.ok((html.match(/<svg /g) ?? []).length >= 5);
    for (const s of ['carat', 'PSI per feature', 'Error over time', 'live RMSE'])
      assert.ok(html.includes(s), s);
  });

  it('says why when there is nothing to judge', async () => {
    const model = monitoredModelOf(prodDir);
    const logFile = join(mkdtempSync(join(tmpdir(), 'tabflow-mon-log-')), 'predictions.sqlite');
    (await PredictionLog.open(logFile)).close();
    const r = await runMonitoring(model, logFile, resolveMonitoringConfig({}));
    assert.equal(r.status, 'insufficient_data');
    assert.equal(r.drift, null);
    assert.match(r.drift_note ?? '', /no logged predictions/);
    const few = await PredictionLog.open(logFile);
    serveAndLog(InferencePipeline.load(prodDir), few, large.slice(0, 20), 'few');
    few.close();
    const r2 = await runMonitoring(model, logFile, resolveMonitoringConfig({}));
    assert.equal(r2.status, 'insufficient_data', 'below min_samples no verdict is given');
    assert.ok(r2.drift?.features.every((f) => f.drifted === null));
  });
});
