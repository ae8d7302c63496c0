import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { InferencePipeline } from '../../src/inference/index.js';
import { FeedbackStore } from '../../src/log/feedback.js';
import { PredictionLog } from '../../src/log/prediction-log.js';
import { tabflow, tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

const TARGET = 'compressive_strength';

// The first monitor runs as a child process, as a user runs it (exit 3 on alarm); the training
// and the other commands run the same main() in-process.
describe('tabflow monitor and tabflow retrain (CLI)', () => {
  let dir: string;
  before(async () => {
    // Production knows low-cement mixes only; high-cement ones are served, and their actuals come back.
    dir = mkdtempSync(join(tmpdir(), 'tabflow-loop-cli-'));
    const [head, ...lines] = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
    const low = lines.filter((l) => Number(l.split(',')[0]) <= 300);
    writeFileSync(join(dir, 'low.csv'), `${[head, ...low].join('\n')}\n`);
    const r = await tabflowInProcess(
      ['train', '--data', 'low.csv', '--target', TARGET, '--models', 'gbdt'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const names = head.split(',').map((s) => s.replace(/"/g, ''));
    const high = lines
      .filter((l) => Number(l.split(',')[0]) > 300)
      .map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j], Number(v)])));
    const p = InferencePipeline.load(join(dir, 'models', 'production'));
    const log = await PredictionLog.open(join(dir, 'models', 'predictions.sqlite'));
    const inputs = high.map(({ [TARGET]: _, ...x }) => x);
    p.predict(inputs, { interval: true }).forEach((res, i) => {
      log.append({
        requestId: `r${i}`,
        row: 0,
        modelName: res.model.name,
        runId: res.model.run_id,
        status: res.status,
        prediction: res.prediction,
        interval: res.interval,
        features: inputs[i],
      });
    });
    await log.close();
    const fb = await FeedbackStore.open(join(dir, 'models', 'predictions.sqlite'));
    await fb.record(high.map((h, i) => ({ request_id: `r${i}`, actual: h[TARGET] })));
    await fb.close();
  });

  it('monitor prints the drift table, writes the HTML report and exits 3 on alarm', async () => {
    const r = tabflow(['monitor', '--report', 'report.html'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /ALARM drift: dataset drift/);
    assert.match(r.stdout, /cement\s+│ ks/);
    assert.match(r.stdout, /live \(latest window\)/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.ok(html.includes('<svg') && html.includes('cement'));
    const j = await tabflowInProcess(['monitor', '--json', '--window', '50'], dir);
    assert.equal(j.code, 3);
    const parsed = JSON.parse(j.stdout) as { status: string; window: { rows: number } };
    assert.equal(parsed.status, 'alarm');
    assert.equal(parsed.window.rows, 50);
  });

  it('retrain --from-feedback --then promote: the challenger passes the gate and becomes production', async () => {
    const r = await tabflowInProcess(['retrain', '--from-feedback', '--then', 'promote'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\d+ production rows \+ 0 from file \+ 413 from feedback/);
    assert.match(
      r.stdout,
      /gate \(rmse on test-of-v2, \d+ rows\): challenger v2 [\d.]+ vs production v1 [\d.]+ → PASSED/,
    );
    assert.match(r.stdout, /promoted v2/);
    const list = await tabflowInProcess(['models', 'list', '--json'], dir);
    const versions = JSON.parse(list.stdout) as { version: number; stages: string[] }[];
    assert.ok(versions.find((v) => v.version === 2)?.stages.includes('production'), list.stdout);
    assert.ok(existsSync(join(dir, 'models', 'data')));
    const bad = await tabflowInProcess(['retrain', '--then', 'later', '--from-feedback'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--then "later" is not allowed: expected one of ab, promote, none/);
  });
});
