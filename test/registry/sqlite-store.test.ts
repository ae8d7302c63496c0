import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteRegistryStore } from '../../src/internal.js';
import { assertMigratedV1, SQLITE_V1_DDL, V1_ROWS } from './schema-v1.js';
import { storeConformance, version } from './store-conformance.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'tabflow-store-')), 'registry.sqlite');

describe('SqliteRegistryStore', () => {
  storeConformance(() => new SqliteRegistryStore(file()));

  it('keeps its records across connections, and a second connection sees the first one commit', async () => {
    const f = file();
    const a = new SqliteRegistryStore(f);
    const b = new SqliteRegistryStore(f);
    try {
      await a.writeTransaction(() => a.insertVersion(version('r1')));
      assert.equal((await b.getVersion(1))!.run_id, 'r1');
      // b's writer waits for a's lock (busy_timeout), then numbers after it.
      assert.equal(await b.writeTransaction(() => b.insertVersion(version('r2'))), 2);
    } finally {
      await a.close();
      await b.close();
    }
    const again = new SqliteRegistryStore(f);
    assert.deepEqual(
      (await again.listVersions()).map((v) => v.run_id),
      ['r1', 'r2'],
    );
    await again.close();
  });

  it('migrates a schema-1 file in place (stage rows naming a release): every record kept, once', async () => {
    const f = file();
    const old = new Database(f);
    old.exec(SQLITE_V1_DDL);
    old.prepare("INSERT INTO registry_meta (key, value) VALUES ('schema_version', '1')").run();
    for (const row of V1_ROWS) old.exec(row);
    old.close();
    const s = new SqliteRegistryStore(f);
    try {
      await assertMigratedV1(s);
      assert.equal(await s.getMeta('schema_version'), '2');
    } finally {
      await s.close();
    }
    const raw = new Database(f, { readonly: true });
    const cols = (raw.prepare('PRAGMA table_info(stages)').all() as { name: string }[]).map((c) => c.name);
    raw.close();
    assert.deepEqual(cols, ['stage', 'version', 'since']);
    const again = new SqliteRegistryStore(f);
    assert.equal((await again.listEvents()).length, 3, 'a second open changes nothing');
    await again.close();
  });

  it('refuses a registry written by a newer tabflow, naming the file', async () => {
    const f = file();
    const s = new SqliteRegistryStore(f);
    await s.setMeta('schema_version', '99');
    await s.close();
    assert.throws(
      () => new SqliteRegistryStore(f),
      /registry\.sqlite has schema version 99; this tabflow reads up to 2/,
    );
  });
});
