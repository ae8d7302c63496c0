import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteRegistryStore } from '../../src/internal.js';
import { storeConformance, version } from './store-conformance.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'tabflow-store-')), 'registry.sqlite');

describe('SqliteRegistryStore', () => {
  storeConformance(() => new SqliteRegistryStore(file()));

  it('keeps its records across connections, and a second connection sees the first one commit', () => {
    const f = file();
    const a = new SqliteRegistryStore(f);
    const b = new SqliteRegistryStore(f);
    try {
      a.writeTransaction(() => a.insertVersion(version('r1')));
      assert.equal(b.getVersion(1)!.run_id, 'r1');
      // b's writer waits for a's lock (busy_timeout), then numbers after it.
      assert.equal(
        b.writeTransaction(() => b.insertVersion(version('r2'))),
        2,
      );
    } finally {
      a.close();
      b.close();
    }
    const again = new SqliteRegistryStore(f);
    assert.deepEqual(
      again.listVersions().map((v) => v.run_id),
      ['r1', 'r2'],
    );
    again.close();
  });

  it('refuses a registry written by a newer tabflow, naming the file', () => {
    const f = file();
    const s = new SqliteRegistryStore(f);
    s.setMeta('schema_version', '99');
    s.close();
    assert.throws(
      () => new SqliteRegistryStore(f),
      /registry\.sqlite has schema version 99; this tabflow reads up to 1/,
    );
  });
});
