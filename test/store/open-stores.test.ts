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
      /registry store "mysql:\/\/db\/registry" is not allowed: its scheme "mysql:" has no backend; allowed: sqlite:<file>, postgres:\/\/\[user\[:password\]@\]host\[:port\]\/database\[\?schema=name\]/,
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

  it('checks a postgres URI before connecting: host, database, schema; the password never shown', async () => {
    const bad = async (uri: string, why: RegExp) => {
      await assert.rejects(
        () => openStores({ log: uri }),
        (e: Error & { code?: string }) => e.code === 'bad_store_uri' && why.test(e.message),
      );
    };
    await bad(
      'postgres://127.0.0.1:5432',
      /log store "postgres:\/\/127\.0\.0\.1:5432" names no database: expected postgres:\/\//,
    );
    await bad('postgres:///test', /names no host/);
    await bad(
      'postgresql://u:pw@h/test?schema=Bad-Name',
      /"postgresql:\/\/u:\*\*\*@h\/test\?schema=Bad-Name" has schema "Bad-Name", not 1-63/,
    );
  });
});
