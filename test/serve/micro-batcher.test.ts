/**
 * Micro-batching must be invisible: requests scored together give exactly what each gives alone
 * (rows, issues and their row numbers, predictions, intervals), and one request that makes the
 * shared call throw fails alone.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { InferencePipeline } from '../../src/inference/index.js';
import { MicroBatcher } from '../../src/serve/micro-batcher.js';
import type { ModelPipeline, PredictOptions } from '../../src/serve/pipeline-port.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

let pipeline: InferencePipeline;
const ROWS = concreteRecords(30);
const FEATURES = Object.keys(ROWS[0]);

before(async () => {
  pipeline = InferencePipeline.load((await trainConcrete()).production);
});

const cell = fc.oneof(
  fc.double({ min: -1e4, max: 1e4 }),
  fc.constantFrom(null, 'abc', '', 'NaN', true, 1e300, -5),
);
const record = fc
  .tuple(
    fc.constantFrom(...ROWS),
    fc.dictionary(fc.constantFrom(...FEATURES, 'extra', 'other'), fc.oneof(cell, fc.constant(undefined)), {
      maxKeys: 3,
    }),
  )
  .map(([row, patch]) => {
    const out: Record<string, unknown> = { ...row };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  });
const request = fc.record({
  records: fc.array(record, { minLength: 1, maxLength: 4 }),
  interval: fc.boolean(),
});

test('requests scored together equal each scored alone', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 12 }), async (reqs) => {
      const batcher = new MicroBatcher(pipeline);
      const together = await Promise.all(
        reqs.map((r) => batcher.predict(r.records, { interval: r.interval })),
      );
      const alone = reqs.map((r) => pipeline.predict(r.records, { interval: r.interval }));
      assert.deepEqual(together, alone);
    }),
    { numRuns: 150, seed: 7 },
  );
});

test('explain requests and oversized requests are not batched; batches respect maxBatchRows', async () => {
  const calls: number[] = [];
  const counting: ModelPipeline = {
    runId: 'r',
    modelName: 'm',
    metadata: {},
    contract: {},
    predict: (records, opts?: PredictOptions) => {
      calls.push(records.length);
      return pipeline.predict(records, opts);
    },
  };
  const b = new MicroBatcher(counting, 5);
  const explained = b.predict([ROWS[0]], { explain: true });
  assert.ok(Array.isArray(explained), 'answered synchronously');
  await Promise.all([1, 2, 2, 3, 6].map((n) => b.predict(ROWS.slice(0, n), {})));
  // explain alone; the 6-row request alone; 1+2+2 = 5 rows together; 3 rows in the next chunk.
  assert.deepEqual(calls, [1, 6, 5, 3]);
});

test('a request that makes the shared call throw fails alone; the others are answered', async () => {
  const fragile: ModelPipeline = {
    runId: 'r',
    modelName: 'm',
    metadata: {},
    contract: {},
    predict: (records, opts) => {
      if (records.some((r) => r.boom)) throw new Error('boom');
      return pipeline.predict(records, opts);
    },
  };
  const b = new MicroBatcher(fragile);
  const outcomes = await Promise.allSettled([
    b.predict([ROWS[0]], {}),
    b.predict([{ ...ROWS[1], boom: 1 }], {}),
    b.predict([ROWS[2], ROWS[3]], {}),
  ]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  const third = outcomes[2] as PromiseFulfilledResult<{ row: number; prediction: number | null }[]>;
  assert.deepEqual(
    third.value.map((r) => [r.row, r.prediction]),
    pipeline.predict([ROWS[2], ROWS[3]]).map((r) => [r.row, r.prediction]),
  );
});
