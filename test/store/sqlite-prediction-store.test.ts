import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStores, SqlitePredictionStore } from '../../src/internal.js';
import { prediction, predictionStoreConformance } from '../log/prediction-store-conformance.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'tabflow-pstore-')), 'predictions.sqlite');

describe('SqlitePredictionStore', () => {
  predictionStoreConformance(() => {
    const f = file();
    return { open: async (access) => new SqlitePredictionStore(f, { access }) };
  });

  it('writes a batch in the call, and a reader opened read-only never creates a log', async () => {
    const f = file();
    const s = new SqlitePredictionStore(f);
    assert.equal(s.append([prediction(0)]), undefined, 'nothing to await: the rows are in the file');
    const reader = new SqlitePredictionStore(f, { access: 'read' });
    assert.equal((await reader.summary()).rows, 1);
    await reader.close();
    await s.close();
    assert.throws(
      () => new SqlitePredictionStore(`${f}-missing`, { access: 'read' }),
      /No prediction log at/,
    );
  });

  it('is opened from a URI by openStores, relative to a base folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-pstore-'));
    const stores = await openStores({ log: 'sqlite:logs/p.sqlite' }, { base: dir });
    try {
      assert.equal(stores.log.location, join(dir, 'logs', 'p.sqlite'));
      assert.equal(stores.registry, undefined);
    } finally {
      await stores.close();
    }
  });
});
