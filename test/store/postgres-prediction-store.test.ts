import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PostgresPredictionStore, storeExists } from '../../src/internal.js';
import { collect } from '../helpers/collect.js';
import { dropSchemas, freshSchema, postgresMissing } from '../helpers/postgres.js';
import { prediction, predictionStoreConformance } from '../log/prediction-store-conformance.js';

const skip = await postgresMissing();

describe('PostgresPredictionStore', { skip }, () => {
  after(dropSchemas);

  predictionStoreConformance(() => {
    const { uri } = freshSchema();
    return { open: (access) => PostgresPredictionStore.open(uri, { access }) };
  });

  it('streams more rows than a page, in order both ways, and stops at a limit', async () => {
    const { uri } = freshSchema();
    const s = await PostgresPredictionStore.open(uri);
    try {
      const n = 4500;
      for (let i = 0; i < n; i += 1500) {
        await s.append(Array.from({ length: 1500 }, (_, k) => prediction(i + k)));
      }
      const up = await collect(s.predictions());
      assert.equal(up.length, n);
      assert.ok(up.every((r, i) => r.request_id === `req-${i}`));
      const down = await collect(s.predictions({ newestFirst: true, limit: 2500 }));
      assert.equal(down.length, 2500);
      assert.equal(down[0].request_id, `req-${n - 1}`);
      assert.equal(down.at(-1)!.request_id, `req-${n - 2500}`);
      assert.equal((await s.summary()).rows, n);
    } finally {
      await s.close();
    }
  });

  it('a reader never creates a log; one without feedback joins to nothing', async () => {
    const { uri } = freshSchema();
    await assert.rejects(
      () => PostgresPredictionStore.open(uri, { access: 'read' }),
      /No prediction log at postgres:/,
    );
    assert.equal(await storeExists('log', uri), false);
    const w = await PostgresPredictionStore.open(uri);
    await w.append([prediction(0)]);
    await w.close();
    const r = await PostgresPredictionStore.open(uri, { access: 'read' });
    try {
      assert.equal((await r.summary()).rows, 1);
      assert.equal(await r.feedbackCount(), 0);
      assert.equal((await r.joined()).n, 0);
      assert.deepEqual(await r.labelled(), []);
      await r.ping();
    } finally {
      await r.close();
    }
  });
});
