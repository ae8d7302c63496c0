/** The ArtifactStore conformance suite on the `file:` backend, and what only it has. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openArtifactStore, parseArtifactStoreUri } from '../../src/store/artifacts/index.js';
import { artifactStoreConformance } from './artifact-store-conformance.js';

const blobPath = (root: string, sha: string) => join(root, 'blobs', sha.slice(0, 2), sha);

artifactStoreConformance('file', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-blobs-'));
  return {
    store: await openArtifactStore(`file:${root}`),
    tamper: async (sha) => writeFileSync(blobPath(root, sha), 'tampered'),
    reopen: () => openArtifactStore(`file://${root}`),
  };
});

test('file: a failed put leaves no temp file behind', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-blobs-'));
  const store = await openArtifactStore(`file:${root}`);
  async function* failing() {
    yield Buffer.from('half');
    throw new Error('boom');
  }
  await assert.rejects(store.put(failing()), /boom/);
  assert.deepEqual(readdirSync(join(root, 'tmp')), []);
});

test('artifact store URIs: relative file: paths, postgres, and unknown schemes named with the key', () => {
  assert.deepEqual(parseArtifactStoreUri('storage.artifacts', 'file:blobs', '/srv'), {
    scheme: 'file',
    path: '/srv/blobs',
  });
  assert.equal(parseArtifactStoreUri('k', 'postgresql://u@h/db').scheme, 'postgres');
  assert.throws(
    () => parseArtifactStoreUri('storage.artifacts', 's3://u:secret@bucket/x'),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'unknown_store');
      assert.match(
        e.message,
        /storage\.artifacts "s3:\/\/u:\*\*\*@bucket\/x" is not allowed.*allowed: file:<folder>, postgres:/,
      );
      assert.doesNotMatch(e.message, /secret/);
      return true;
    },
  );
  assert.throws(() => parseArtifactStoreUri('k', 'file:'), { code: 'bad_store_uri' });
});
