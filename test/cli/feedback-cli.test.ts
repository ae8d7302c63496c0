import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FeedbackStore } from '../../src/log/feedback.js';
import { PredictionLog } from '../../src/log/prediction-log.js';
import { tabflow, tabflowInProcess } from '../helpers/cli.js';

async function setup(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-fbcli-'));
  const log = await PredictionLog.open(join(dir, 'models', 'predictions.sqlite'));
  for (const [id, n] of [
    ['a1', 1],
    ['b2', 2],
  ] as const) {
    for (let row = 0; row < n; row++) {
      log.append({
        requestId: id,
        row,
        modelName: 'ridge',
        runId: 'r1',
        status: 'ok',
        prediction: 30 + row,
        features: {},
      });
    }
  }
  await log.close();
  return dir;
}

// The first test runs tabflow as a child process, as a user does; the second the same main() in-process.
describe('tabflow feedback', () => {
  it('records the good lines and reports the bad ones by reason', async () => {
    const dir = await setup();
    writeFileSync(
      join(dir, 'labels.csv'),
      'request_id,row,actual\na1,,31.5\nb2,1,29\nzz,0,3\nb2,0,abc\na1,,32\n',
    );
    const r = tabflow(['feedback', '--data', 'labels.csv'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 actuals recorded, 3 rejected/);
    assert.match(r.stdout, /unknown_request/);
    assert.match(r.stdout, /not_numeric/);
    assert.match(r.stdout, /duplicate/);
    assert.match(r.stdout, /line 4: No logged prediction has request_id "zz"/);
    const store = await FeedbackStore.open(join(dir, 'models', 'predictions.sqlite'));
    assert.deepEqual([...(await store.joined()).actual], [31.5, 29]);
    await store.close();
  });

  it('exits 2 naming the column when the file lacks it, and when nothing could be recorded', async () => {
    const dir = await setup();
    writeFileSync(join(dir, 'labels.csv'), 'id,actual\na1,3\n');
    const r = await tabflowInProcess(['feedback', '--data', 'labels.csv'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has no column "request_id".*--id-column/);
    const ok = await tabflowInProcess(['feedback', '--data', 'labels.csv', '--id-column', 'id'], dir);
    assert.equal(ok.code, 0, ok.stderr);
    writeFileSync(join(dir, 'none.csv'), 'request_id,actual\nnope,3\n');
    const none = await tabflowInProcess(['feedback', '--data', 'none.csv', '--json'], dir);
    assert.equal(none.code, 2);
    assert.equal(JSON.parse(none.stdout).rejected, 1);
  });
});
