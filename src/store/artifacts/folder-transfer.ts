/**
 * A folder of files through an artifact store: `publishFiles` puts each file's blob, then the
 * manifest naming them (the manifest last, so a manifest in the store always has its blobs);
 * `materialise` rebuilds the folder on this host, atomically (a temp folder beside it, renamed
 * into place), every file checked against the manifest before the folder is handed out. A local
 * cache store (a `file:` store on this host) keeps fetched blobs, so a file several releases
 * share is downloaded once.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ArtifactError } from '../../core/errors.js';
import type { ArtifactStore } from './artifact-store.js';
import { sha256Hex } from './blob-keys.js';
import { type Manifest, type ManifestEntry, manifestText, parseManifest } from './manifest.js';

/** A folder published: its manifest's key and the manifest. */
export interface PublishedFolder {
  manifestSha256: string;
  manifest: Manifest;
  /** Blobs this publish added (0 when the store held every one). */
  created: number;
}

/** Put `files` and their manifest (named `name`) into `store`. */
export async function publishFiles(
  store: ArtifactStore,
  name: string,
  files: Record<string, Uint8Array | string>,
): Promise<PublishedFolder> {
  const entries: Record<string, ManifestEntry> = {};
  let created = 0;
  for (const [f, data] of Object.entries(files)) {
    const r = await store.put(data);
    entries[f] = { sha256: r.sha256, bytes: r.bytes };
    if (r.created) created++;
  }
  const text = manifestText(name, entries);
  const m = await store.put(text);
  if (m.created) created++;
  return { manifestSha256: m.sha256, manifest: parseManifest(Buffer.from(text), 'manifest'), created };
}

/** A blob from the local cache when it holds it (verified), else from the store (then cached). */
export async function fetchBlob(
  store: ArtifactStore,
  sha256: string,
  cache?: ArtifactStore,
): Promise<Buffer> {
  if (cache && (await cache.has(sha256))) return cache.get(sha256);
  const bytes = await store.get(sha256);
  await cache?.put(bytes);
  return bytes;
}

/** The manifest stored under `sha256`, parsed and checked. */
export async function fetchManifest(
  store: ArtifactStore,
  sha256: string,
  cache?: ArtifactStore,
): Promise<Manifest> {
  return parseManifest(await fetchBlob(store, sha256, cache), `manifest ${sha256} in ${store.location}`);
}

/** What `materialise` did. */
export interface Materialised {
  dir: string;
  manifest: Manifest;
  /** Files written now (0: the folder was there already and checked). */
  written: number;
}

/** How to materialise. */
export interface MaterialiseOptions {
  /** A store on this host keeping fetched blobs (reused, and checked, on the next materialise). */
  cache?: ArtifactStore;
  /** Files written beside the manifest's (a release's registry.json); not checked here. */
  extra?: Record<string, string>;
}

/**
 * The folder `manifest` describes at `dest`: written when missing (atomically), checked file by
 * file when present. A file whose sha256 differs from the manifest's is `blob_corrupt` naming it,
 * the expected and the actual hash; the folder is then not used.
 */
export async function materialise(
  store: ArtifactStore,
  manifest: Manifest,
  dest: string,
  o: MaterialiseOptions = {},
): Promise<Materialised> {
  if (await exists(dest)) {
    await verifyFolder(dest, manifest);
    return { dir: dest, manifest, written: 0 };
  }
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.tmp-${basename(dest)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    const files = Object.entries(manifest.files);
    for (const [name, e] of files)
      await writeSynced(join(tmp, name), await fetchBlob(store, e.sha256, o.cache));
    for (const [name, text] of Object.entries(o.extra ?? {})) await writeSynced(join(tmp, name), text);
    await rename(tmp, dest);
    return { dir: dest, manifest, written: files.length };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    // Another process materialised it meanwhile: use theirs, checked like any cached folder.
    await verifyFolder(dest, manifest);
    return { dir: dest, manifest, written: 0 };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Every file of `manifest` in `dir`, with the sha256 it records. */
export async function verifyFolder(dir: string, manifest: Manifest): Promise<void> {
  for (const [name, e] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new ArtifactError(
        'missing_artifact',
        `${dir} is incomplete: ${name} is missing; remove the folder to fetch it again`,
      );
    }
    const actual = sha256Hex(bytes);
    if (actual !== e.sha256) {
      throw new ArtifactError(
        'blob_corrupt',
        `${path} is corrupt: its sha256 is ${actual}, the manifest of ${manifest.name} records ` +
          `${e.sha256}; it is not used. Remove ${dir} to fetch it again from the store`,
      );
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
