import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStores, storeExists } from '../../src/internal.js';
import { version } from '../registry/store-conformance.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'tabflow-store-')), 'registry.sqlite');

describe('openStores', () => {
  it('opens the registry a URI names; an unknown scheme names the key, the value and what is allowed', async () => {
    const f = file();
    const stores = await openStores({ registry: `sqlite:${f}` });
    try {
      assert.equal(stores.registry.location, f);
      assert.equal(await stores.registry.insertVersion(version('r1')), 1);
    } finally {
      await stores.close();
    }
    await assert.rejects(
      () => openStores({ registry: 'mysql://db/registry' }),
      /registry store "mysql:\/\/db\/registry" is not allowed: its scheme "mysql:" has no backend; allowed: sqlite:<file> \(postgres: planned\)/,
    );
    await assert.rejects(
      () => openStores({ log: 'predictions.sqlite' }),
      /log store "predictions\.sqlite" is not allowed: it has no scheme/,
    );
  });

  it('tells whether a store exists without creating one', async () => {
    const f = file();
    assert.equal(await storeExists('registry', `sqlite:${f}`), false);
    const stores = await openStores({ registry: `sqlite:${f}` });
    await stores.close();
    assert.equal(await storeExists('registry', `sqlite:${f}`), true);
    await assert.rejects(() => storeExists('registry', 'sqlite:'), /registry store "sqlite:" names no file/);
  });
});
