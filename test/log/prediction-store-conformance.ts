/**
 * What every PredictionStore must do, whatever its database: a future PostgreSQL store runs the
 * same checks by passing its own factory (a fresh, empty location per call, opened for an access).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewPrediction, PredictionAccess, PredictionStore } from '../../src/internal.js';
import { collect } from '../helpers/collect.js';

/** A fresh location; `open` may be called several times (each open is its own connection). */
export type StoreLocation = () => { open(access: PredictionAccess): Promise<PredictionStore> };

export function prediction(i: number, over: Partial<NewPrediction> = {}): NewPrediction {
  return {
    ts: 1_767_225_600_000 + i * 1000,
    request_id: `req-${i}`,
    row: 0,
    route: '/predict',
    model_name: 'concrete',
    run_id: i % 2 ? 'run-b' : 'run-a',
    status: 'ok',
    prediction: 10 + i,
    lower: 8 + i,
    upper: 12 + i,
    coverage: 0.9,
    latency_ms: 0.5,
    features: JSON.stringify({ age: i, mix: 'c\u00e9' }),
    warnings: null,
    errors: null,
    model_version: i % 2 ? 2 : 1,
    stage: 'production',
    arm: null,
    experiment_id: null,
    ...over,
  };
}

export function predictionStoreConformance(location: StoreLocation): void {
  it('appends rows in one transaction and reads them back, every field, filtered and ordered', async () => {
    const at = location();
    const s = await at.open('append');
    try {
      await s.append([0, 1, 2, 3].map((i) => prediction(i)));
      await s.append([prediction(4, { status: 'rejected', prediction: null, errors: '[{"code":"x"}]' })]);
      const all = await collect(s.predictions());
      assert.deepEqual(
        all.map(({ id: _, ...rest }) => rest),
        [0, 1, 2, 3]
          .map((i) => prediction(i))
          .concat([prediction(4, { status: 'rejected', prediction: null, errors: '[{"code":"x"}]' })]),
      );
      assert.ok(
        all.every((r, i) => i === 0 || r.id > all[i - 1].id),
        'ids increase in append order',
      );
      const ids = async (q: Parameters<PredictionStore['predictions']>[0]) =>
        (await collect(s.predictions(q))).map((r) => r.request_id);
      assert.deepEqual(await ids({ newestFirst: true, limit: 2 }), ['req-4', 'req-3']);
      assert.deepEqual(await ids({ since: prediction(2).ts, until: prediction(4).ts }), ['req-2', 'req-3']);
      assert.deepEqual(await ids({ runId: 'run-b' }), ['req-1', 'req-3']);
      assert.deepEqual(await ids({ version: 1 }), ['req-0', 'req-2', 'req-4']);
      // A batch that cannot be stored whole stores nothing.
      const bad = prediction(9, { features: null as unknown as string });
      await assert.rejects(async () => s.append([prediction(8), bad]));
      assert.equal((await collect(s.predictions())).length, 5);
    } finally {
      await s.close();
      await s.close(); // idempotent
    }
  });

  it('summarises rows per run, version, stage and arm', async () => {
    const at = location();
    const s = await at.open('append');
    try {
      await s.append([
        prediction(0),
        prediction(1),
        prediction(2, { status: 'rejected', prediction: null }),
        prediction(3, { warnings: '[{"code":"w"}]' }),
        prediction(4, { arm: 'challenger', experiment_id: 'ab-1' }),
      ]);
      const sum = await s.summary();
      assert.equal(sum.rows, 5);
      assert.equal(sum.first, new Date(prediction(0).ts).toISOString());
      assert.equal(sum.last, new Date(prediction(4).ts).toISOString());
      assert.deepEqual(
        sum.by_run.map((r) => [r.run_id, r.model_version, r.arm, r.rows, r.rejected, r.warned]),
        [
          ['run-a', 1, null, 2, 1, 0],
          ['run-b', 2, null, 2, 0, 1],
          ['run-a', 1, 'challenger', 1, 0, 0],
        ],
      );
      assert.equal((await s.summary({ runId: 'run-b' })).rows, 2);
      assert.deepEqual(await s.armCounts('ab-1'), { challenger: 1 });
      assert.deepEqual(await s.armCounts('ab-none'), {});
    } finally {
      await s.close();
    }
  });

  it('stores one actual per logged row and joins them to the predictions', async () => {
    const at = location();
    const log = await at.open('append');
    await log.append([
      prediction(0),
      prediction(1, { request_id: 'many', row: 0 }),
      prediction(2, { request_id: 'many', row: 1, arm: 'champion', experiment_id: 'ab-1' }),
      prediction(3, { status: 'rejected', prediction: null }),
    ]);
    assert.deepEqual(await collect(log.feedbackRows()), [], 'a log never opened for feedback has none');
    await log.close();
    const s = await at.open('feedback');
    try {
      const rows = await s.requestRows(['req-0', 'many', 'nope']);
      assert.deepEqual(rows.get('req-0'), [0]);
      assert.deepEqual([...(rows.get('many') ?? [])].sort(), [0, 1]);
      assert.equal(rows.has('nope'), false);
      const fb = (request_id: string, row: number, actual: number, ts = 5) => ({
        ts,
        request_id,
        row,
        actual,
        source: 'api',
      });
      assert.deepEqual(
        await s.addFeedback([
          fb('req-0', 0, 11),
          fb('many', 1, 13, 6),
          fb('req-0', 0, 99),
          fb('req-3', 0, 7, 7),
        ]),
        [true, true, false, true],
      );
      assert.equal(await s.feedbackCount(), 3);
      assert.deepEqual(
        (await collect(s.feedbackRows())).map(({ id: _, ...rest }) => rest),
        [fb('req-0', 0, 11), fb('many', 1, 13, 6), fb('req-3', 0, 7, 7)],
        'every stored actual, as stored, in arrival order (the refused one left out)',
      );
      const fbIds = (await collect(s.feedbackRows())).map((r) => r.id);
      assert.ok(
        fbIds.every((id, i) => i === 0 || id > fbIds[i - 1]),
        'in id order',
      );
      const j = await s.joined();
      assert.equal(j.n, 2, 'the rejected row has no prediction to judge');
      assert.deepEqual([...j.actual], [11, 13]);
      assert.deepEqual([...j.prediction], [10, 12]);
      assert.deepEqual(j.requestId, ['req-0', 'many']);
      assert.deepEqual([...j.row], [0, 1]);
      assert.deepEqual(j.version, [1, 1]);
      assert.deepEqual(j.arm, [null, 'champion']);
      assert.equal((await s.joined({ experimentId: 'ab-1' })).n, 1);
      assert.equal((await s.joined({ since: prediction(1).ts })).n, 1);
      assert.equal((await s.joined({ runId: 'run-b' })).n, 0);
      const labelled = await s.labelled();
      assert.deepEqual(
        labelled.map((l) => [l.actual, l.features === null ? null : JSON.parse(l.features).age]),
        [
          [11, 0],
          [13, 2],
          [7, null],
        ],
        'oldest first; a rejected row has no inputs to learn from',
      );
      assert.equal((await s.labelled({ since: 6 })).length, 2);
    } finally {
      await s.close();
    }
  });
}
