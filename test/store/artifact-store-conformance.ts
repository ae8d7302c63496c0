/**
 * What every ArtifactStore backend must do (`artifactStoreConformance(label, make)`), run on
 * file: (artifact-store-file.test.ts) and postgres: (artifact-store-postgres.test.ts): keys are
 * the sha256 of the bytes, puts are idempotent and atomic, gets verify, refs are write-once, and
 * a folder published through the store comes back identical, or is refused when a byte changed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  type ArtifactStore,
  fetchManifest,
  manifestText,
  materialise,
  openArtifactStore,
  publishFiles,
} from '../../src/store/artifacts/index.js';

/** A store to test, how to damage one of its blobs, and how to open it again. */
export interface StoreFixture {
  store: ArtifactStore;
  /** Change the stored bytes of blob `sha256` behind the store's back. */
  tamper(sha256: string): Promise<void>;
  /** The same store, opened again (another host, another process). */
  reopen(): Promise<ArtifactStore>;
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Bytes that compress poorly, so sizes and chunking are real. */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

async function* pieces(b: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const code = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c, (e as Error).message);
  return true;
};

/** Register the suite for one backend; `skip` is a reason when it cannot run here. */
export function artifactStoreConformance(
  label: string,
  make: (t: TestContext) => Promise<StoreFixture>,
  skip: string | false = false,
): void {
  const it = (name: string, fn: (f: StoreFixture, t: TestContext) => Promise<void>) =>
    test(`${label}: ${name}`, { skip }, async (t) => {
      const f = await make(t);
      t.after(() => f.store.close());
      await fn(f, t);
    });

  it('a blob is stored under the sha256 of its bytes, once', async ({ store }) => {
    const bytes = noise(5000, 1);
    const a = await store.put(bytes);
    assert.deepEqual(a, { sha256: sha(bytes), bytes: 5000, created: true });
    assert.equal(await store.has(a.sha256), true);
    assert.deepEqual(await store.get(a.sha256), bytes);
    assert.deepEqual(await store.put(Buffer.from(bytes)), { ...a, created: false });
    const text = await store.put('héllo\n');
    assert.equal(text.sha256, sha(Buffer.from('héllo\n', 'utf8')));
    assert.equal((await store.get(text.sha256)).toString('utf8'), 'héllo\n');
    const empty = await store.put(new Uint8Array(0));
    assert.equal(empty.sha256, sha(''));
    assert.equal((await store.get(empty.sha256)).length, 0);
  });

  it('a streamed blob of several MB (more than one chunk) round-trips under the same key', async ({
    store,
    reopen,
  }) => {
    const big = noise(2.5 * 1024 * 1024 + 17, 7);
    const r = await store.put(pieces(big, 300_000));
    assert.deepEqual(r, { sha256: sha(big), bytes: big.length, created: true });
    assert.equal((await store.put(pieces(big, 65_536))).created, false);
    const again = await reopen();
    try {
      assert.ok((await again.get(r.sha256)).equals(big));
    } finally {
      await again.close();
    }
  });

  it('absent blobs, bad keys and bad ref names are refused by code', async ({ store }) => {
    const absent = sha('never stored');
    assert.equal(await store.has(absent), false);
    await assert.rejects(store.get(absent), code('blob_missing'));
    await assert.rejects(store.get('../../etc/passwd'), code('bad_blob_key'));
    await assert.rejects(store.get(absent.toUpperCase()), code('bad_blob_key'));
    await assert.rejects(store.setRef('run/x', absent), code('blob_missing'));
    const { sha256 } = await store.put('x');
    for (const bad of ['run', 'run/../x', 'Run/x', 'run/a/b', `run/${'a'.repeat(129)}`]) {
      await assert.rejects(store.setRef(bad, sha256), code('bad_blob_key'), bad);
    }
  });

  it('a blob changed behind the store is refused, naming the expected and actual hash', async ({
    store,
    tamper,
  }) => {
    const bytes = noise(3000, 3);
    const { sha256 } = await store.put(bytes);
    await tamper(sha256);
    await assert.rejects(store.get(sha256), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'blob_corrupt');
      assert.match(e.message, new RegExp(`expected ${sha256}`));
      assert.match(e.message, /hash to sha256 [0-9a-f]{64}/);
      return true;
    });
  });

  it('refs are written once: the same blob again is a no-op, another is ref_conflict', async ({ store }) => {
    const a = await store.put('manifest a');
    const b = await store.put('manifest b');
    assert.equal(await store.getRef('run/20261126-071502-3fa2c1'), null);
    await store.setRef('run/20261126-071502-3fa2c1', a.sha256);
    await store.setRef('run/20261126-071502-3fa2c1', a.sha256);
    assert.equal(await store.getRef('run/20261126-071502-3fa2c1'), a.sha256);
    await assert.rejects(store.setRef('run/20261126-071502-3fa2c1', b.sha256), code('ref_conflict'));
    assert.equal(await store.getRef('run/20261126-071502-3fa2c1'), a.sha256);
  });

  it('concurrent puts of the same bytes store one blob', async ({ store }) => {
    const bytes = noise(200_000, 11);
    const rs = await Promise.all([1, 2, 3, 4].map(() => store.put(pieces(bytes, 50_000))));
    assert.ok(rs.every((r) => r.sha256 === sha(bytes)));
    assert.ok(rs.filter((r) => r.created).length <= 1);
    assert.ok((await store.get(sha(bytes))).equals(bytes));
  });

  it('a put whose input fails half-way leaves nothing visible', async ({ store }) => {
    const bytes = noise(2 * 1024 * 1024, 5);
    async function* failing() {
      yield bytes.subarray(0, 1_500_000);
      throw new Error('disk on fire');
    }
    await assert.rejects(store.put(failing()), /disk on fire/);
    assert.equal(await store.has(sha(bytes.subarray(0, 1_500_000))), false);
    assert.equal(await store.has(sha(bytes)), false);
  });

  it('a folder published once is materialised identically, reused, and refused when changed', async ({
    store,
  }) => {
    const files = { 'model.json': noise(40_000, 9), 'config.yaml': 'a: 1\n', 'metadata.json': '{"x":1}' };
    const p = await publishFiles(store, 'run-1', files);
    assert.equal(p.manifestSha256, sha(manifestText('run-1', p.manifest.files)));
    assert.equal(p.created, 4);
    assert.equal((await publishFiles(store, 'run-1', files)).created, 0);
    const host = mkdtempSync(join(tmpdir(), 'tabflow-host-'));
    const cache = await openArtifactStore(`file:${join(host, 'blobs')}`);
    const manifest = await fetchManifest(store, p.manifestSha256, cache);
    const dest = join(host, 'runs', 'run-1');
    const m = await materialise(store, manifest, dest, { cache, extra: { 'registry.json': '{}' } });
    assert.equal(m.written, 3);
    assert.deepEqual(readdirSync(dest).sort(), [
      'config.yaml',
      'metadata.json',
      'model.json',
      'registry.json',
    ]);
    for (const [name, data] of Object.entries(files))
      assert.deepEqual(readFileSync(join(dest, name)), Buffer.from(data));
    assert.equal((await materialise(store, manifest, dest, { cache })).written, 0);
    writeFileSync(join(dest, 'config.yaml'), 'a: 2\n');
    await assert.rejects(materialise(store, manifest, dest, { cache }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'blob_corrupt');
      assert.match(
        e.message,
        /config\.yaml is corrupt: its sha256 is [0-9a-f]{64}, the manifest of run-1 records/,
      );
      assert.ok(e.message.includes(sha('a: 1\n')));
      return true;
    });
    await cache.close();
  });

  it('a manifest naming a path outside its folder is refused', async ({ store }) => {
    const blob = await store.put('x');
    const evil = JSON.stringify({
      format: 'tabflow-manifest',
      format_version: 1,
      name: 'evil',
      files: { '../escape': { sha256: blob.sha256, bytes: 1 } },
    });
    const m = await store.put(evil);
    await assert.rejects(fetchManifest(store, m.sha256), code('bad_manifest'));
  });
}
