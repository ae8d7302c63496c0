/**
 * The storage setting: which stores a models folder's registry and log are. Nothing set → the
 * SQLite files of the folder (the quick start); `storage.uri` names both, `storage.registry` /
 * `storage.log` one each and win; TABFLOW_STORAGE_URI counts only when nothing was set; a bad
 * URI names the key it came under, the value and the forms allowed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { applyStorage } from '../../src/cli/storage-option.js';
import {
  type ConfigError,
  logStoreOf,
  REGISTRY_DB_FILE,
  resolveConfigUnknown,
  STORAGE_ENV,
  useStorage,
} from '../../src/internal.js';
import { registryUriOf } from '../../src/registry/index.js';

const PG = 'postgres://tabflow@db:5432/tabflow?schema=tabflow';
const root = '/srv/models';

describe('the storage setting', () => {
  afterEach(() => {
    useStorage({});
    delete process.env[STORAGE_ENV];
  });

  it('defaults to the SQLite files of the models folder', () => {
    assert.equal(registryUriOf(root), `sqlite:${join(root, REGISTRY_DB_FILE)}`);
    assert.equal(logStoreOf(join(root, 'predictions.sqlite')), join(root, 'predictions.sqlite'));
  });

  it('uri names both stores; registry and log win over it; the environment only when nothing is set', () => {
    process.env[STORAGE_ENV] = 'postgres://env-host/db';
    assert.equal(registryUriOf(root), 'postgres://env-host/db');
    useStorage({ uri: PG, log: 'sqlite:/var/log/p.sqlite' });
    assert.equal(registryUriOf(root), PG);
    assert.equal(logStoreOf('/x/predictions.sqlite'), 'sqlite:/var/log/p.sqlite');
    applyStorage({ storage: 'postgres://flag-host/db' });
    assert.equal(registryUriOf(root), 'postgres://flag-host/db');
    assert.equal(logStoreOf('/x/predictions.sqlite'), 'postgres://flag-host/db');
  });

  it('a bad URI names where it came from, the value and what is allowed', () => {
    assert.throws(
      () => applyStorage({ storage: 'mysql://h/db' }),
      /--storage store "mysql:\/\/h\/db" is not allowed: .*allowed: sqlite:<file>, postgres:\/\//,
    );
    assert.throws(
      () => useStorage({ registry: 'postgres://h' }),
      /storage\.registry store "postgres:\/\/h" names no database/,
    );
    process.env[STORAGE_ENV] = 'redis://h';
    assert.throws(() => registryUriOf(root), /TABFLOW_STORAGE_URI store "redis:\/\/h" is not allowed/);
  });

  it('is a config section: null by default, bad values reported as ConfigError issues naming the key', () => {
    assert.deepEqual(resolveConfigUnknown({}).storage, {
      uri: null,
      registry: null,
      log: null,
      wait_s: 60,
      artifacts: null,
      artifact_cache: null,
      publish_data: true,
    });
    assert.equal(resolveConfigUnknown({ storage: { uri: PG } }).storage.uri, PG);
    assert.throws(
      () => resolveConfigUnknown({ storage: { wait_s: -1 } }),
      (e: ConfigError) => e.issues.some((i) => i.path === 'storage.wait_s'),
    );
    assert.throws(
      () => resolveConfigUnknown({ storage: { uri: 'postgres://h/db?schema=No-Way', log: 'oracle://x' } }),
      (e: ConfigError) => {
        assert.deepEqual(
          e.issues.map((i) => i.path),
          ['storage.uri', 'storage.log'],
        );
        assert.match(e.issues[0].message, /has schema "No-Way"/);
        return true;
      },
    );
  });
});

describe('the storage section is shared by the stores and the artifact store', () => {
  it('each part resolves its own keys; an unknown key is named against the whole section', () => {
    const cfg = resolveConfigUnknown({ storage: { uri: PG, artifacts: 'file:/srv/tabflow' } });
    assert.equal(cfg.storage.uri, PG);
    assert.equal(cfg.storage.artifacts, 'file:/srv/tabflow');
    assert.throws(
      () => resolveConfigUnknown({ storage: { uri: PG, artifact: 'file:/x' } }),
      (e: ConfigError) => e.issues.some((i) => i.path === 'storage.artifact'),
    );
  });
});
