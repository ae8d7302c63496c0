import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FeedbackStore } from '../../src/log/feedback.js';
import { PredictionLog } from '../../src/log/prediction-log.js';

async function logWith(rows: { id: string; n: number; status?: string }[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'tabflow-fb-')), 'predictions.sqlite');
  const log = await PredictionLog.open(file);
  let ts = 1_700_000_000_000;
  for (const r of rows) {
    for (let i = 0; i < r.n; i++) {
      log.append({
        requestId: r.id,
        row: i,
        ts: ts++,
        modelName: 'gbdt',
        runId: 'run-a',
        status: r.status ?? 'ok',
        prediction: r.status === 'rejected' ? null : 10 + i,
        interval: r.status === 'rejected' ? undefined : { lower: 8 + i, upper: 12 + i, coverage: 0.9 },
        features: { carat: 1 },
      });
    }
  }
  await log.close();
  return file;
}

describe('FeedbackStore', () => {
  it('joins actuals to logged predictions, one verdict per item', async () => {
    const file = await logWith([
      { id: 'one', n: 1 },
      { id: 'many', n: 3 },
    ]);
    const fb = await FeedbackStore.open(file);
    const report = await fb.record([
      { request_id: 'one', actual: 11 },
      { request_id: 'many', row: 2, actual: '13.5' },
      { request_id: 'many', row: 0, actual: 9 },
    ]);
    assert.equal(report.accepted, 3);
    assert.equal(report.rejected, 0);
    const j = await fb.joined();
    assert.equal(j.n, 3);
    assert.deepEqual([...j.actual], [11, 9, 13.5]);
    assert.deepEqual([...j.prediction], [10, 10, 12]);
    assert.deepEqual([...j.lower], [8, 8, 10]);
    assert.deepEqual(j.runId, ['run-a', 'run-a', 'run-a']);
    await fb.close();
  });

  it('rejects unknown ids, missing or unknown rows, non-numeric actuals and duplicates with reasons', async () => {
    const file = await logWith([
      { id: 'one', n: 1 },
      { id: 'many', n: 2 },
    ]);
    const fb = await FeedbackStore.open(file);
    await fb.record([{ request_id: 'one', actual: 5 }]);
    const r = await fb.record([
      { request_id: 'nope', actual: 1 },
      { request_id: 'many', actual: 1 },
      { request_id: 'many', row: 7, actual: 1 },
      { request_id: 'many', row: 1.5, actual: 1 },
      { request_id: 'many', row: 0, actual: 'twelve' },
      { request_id: 'many', row: 0, actual: Number.NaN },
      { request_id: 42, actual: 1 },
      { request_id: 'one', actual: 6 },
      { request_id: 'many', row: 1, actual: 3 },
    ]);
    const codes = r.verdicts.map((v) => (v.status === 'rejected' ? v.code : v.status));
    assert.deepEqual(codes, [
      'unknown_request',
      'row_required',
      'unknown_row',
      'bad_row',
      'not_numeric',
      'not_numeric',
      'bad_request_id',
      'duplicate',
      'accepted',
    ]);
    const dup = r.verdicts[7];
    assert.ok(dup.status === 'rejected' && /already has an actual; the first one is kept/.test(dup.message));
    const notNum = r.verdicts[4];
    assert.ok(notNum.status === 'rejected' && /"twelve"/.test(notNum.message));
    assert.equal(await fb.count, 2);
    assert.deepEqual(
      [...(await fb.joined()).actual],
      [5, 3],
      'the duplicate did not overwrite the first actual',
    );
    await fb.close();
  });

  it('leaves rejected predictions out of the join, and filters by time and run', async () => {
    const file = await logWith([
      { id: 'bad', n: 1, status: 'rejected' },
      { id: 'good', n: 2 },
    ]);
    const fb = await FeedbackStore.open(file);
    await fb.record([
      { request_id: 'bad', actual: 1 },
      { request_id: 'good', row: 0, actual: 2 },
      { request_id: 'good', row: 1, actual: 3 },
    ]);
    assert.equal((await fb.joined()).n, 2);
    assert.equal((await fb.labelledRows()).n, 2, 'a rejected row is not a training example');
    assert.deepEqual([...(await fb.labelledRows()).actual], [2, 3]);
    assert.equal((await fb.joined({ since: 1_700_000_000_002 })).n, 1);
    assert.equal((await fb.joined({ runId: 'other' })).n, 0);
    await fb.close();
  });
});
