/**
 * `storage.artifacts` and `storage.artifact_cache`: defaults, a URI whose scheme has no store, a
 * password in the URI (refused: the config is recorded in every run's config.yaml), and which
 * URIs count as the models folder itself (nothing is published then).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { artifactCacheDir, isModelsFolderStore } from '../../src/store/artifacts/index.js';

test('storage defaults to the models folder and the user cache', () => {
  const cfg = resolveConfig({});
  assert.deepEqual(cfg.storage, {
    uri: null,
    registry: null,
    log: null,
    wait_s: 60,
    artifacts: null,
    artifact_cache: null,
    publish_data: true,
  });
  assert.match(artifactCacheDir(cfg.storage), /tabflow[/\\]artifacts$/);
  assert.equal(artifactCacheDir({ artifact_cache: '/var/cache/x' }), '/var/cache/x');
});

test('a bad storage.artifacts names the key, the value and what is allowed; a password is refused', () => {
  assert.throws(
    () => resolveConfig({ storage: { artifacts: 'ftp://host/x' } }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.issues[0].path, 'storage.artifacts');
      assert.match(
        e.issues[0].message,
        /"ftp:\/\/host\/x" is not allowed.*allowed: file:<folder>, postgres:/,
      );
      return true;
    },
  );
  assert.throws(
    () => resolveConfig({ storage: { artifacts: 'postgres://tabflow:s3cret@db:5432/ml' } }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.issues[0].message, /storage\.artifacts carries a password.*PGPASSWORD/);
      return true;
    },
  );
  const ok = resolveConfig({ storage: { artifacts: 'postgres://tabflow@db:5432/ml?schema=tf' } });
  assert.equal(ok.storage.artifacts, 'postgres://tabflow@db:5432/ml?schema=tf');
});

test('the models folder itself is the default store: nothing is published to it', () => {
  const root = '/srv/models';
  assert.equal(isModelsFolderStore(null, root), true);
  assert.equal(isModelsFolderStore('file:/srv/models/', root), true);
  assert.equal(isModelsFolderStore(`file:${join('/srv', 'blobs')}`, root), false);
  assert.equal(isModelsFolderStore('postgres://u@h/db', root), false);
});
