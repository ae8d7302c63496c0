/**
 * A run through an artifact store (src/store/artifacts): `publishRun` proves a run folder's
 * files belong together (`RunFolder.open`), puts them and their manifest, and points ref
 * `run/<run-id>` at the manifest; on another host, `materialiseRelease` rebuilds a registered
 * version as a release folder in a local cache — the run's files, checked against the manifest,
 * plus registry.json from the registry's record — so the usual loader (`RunFolder.open`) checks
 * it once more against the sha256 the registry recorded for its metadata.json.
 *
 * The registry needs no new field to point at a published run: a version records its run id
 * (the ref's name) and its metadata.json's sha256, which the manifest must match, and
 * metadata.json records every other file's sha256 — and its training data's (run-data.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_FILE, METADATA_SEAL_FILE, RunFolder, sealText, sha256 } from '../artifacts/run-folder.js';
import { ArtifactError } from '../core/errors.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import { checkRefName } from '../store/artifacts/blob-keys.js';
import { fetchManifest, materialise, publishFiles } from '../store/artifacts/folder-transfer.js';
import type { Manifest } from '../store/artifacts/manifest.js';
import { openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { REGISTRY_STAMP_FILE, readRegistryStamp, stampText } from './registry-stamp.js';
import { type PublishedData, publishRunData } from './run-data.js';

/** The ref a run's manifest is published under. */
export function runRef(runId: string): string {
  return `run/${runId}`;
}

/** A run published to an artifact store. */
export interface PublishedRun {
  runId: string;
  /** The sha256 of its manifest (the blob ref `run/<run-id>` points at). */
  manifestSha256: string;
  /** The store, as it names itself (no password). */
  location: string;
  /** Blobs this publish added for the run's files (0: the store held the run already). */
  created: number;
  /** The run's training data (`data/<run-id>`, run-data.ts), or why it was not published. */
  data: PublishedData;
}

/**
 * Publish the run folder `runDir` (verified first: nothing leaves a folder whose files do not
 * belong together), then its training data file (`publishRunData`: skipped, with the reason, for
 * data in memory, `storage.publish_data: false` or a file no longer found). Publishing a run again
 * only adds what the store lacks (the data of a run published before runs carried it); another
 * run's files under its id are `ref_conflict`.
 */
export async function publishRun(store: ArtifactStore, runDir: string): Promise<PublishedRun> {
  const run = RunFolder.open(runDir);
  const files: Record<string, Uint8Array> = run.files();
  const seal = join(run.real, METADATA_SEAL_FILE);
  files[METADATA_SEAL_FILE] = existsSync(seal)
    ? readFileSync(seal)
    : Buffer.from(sealText(sha256(files[METADATA_FILE])));
  const runId = run.metadata.run_id;
  const p = await publishFiles(store, runId, files);
  await store.setRef(runRef(runId), p.manifestSha256);
  const data = await publishRunData(store, run);
  return { runId, manifestSha256: p.manifestSha256, location: store.location, created: p.created, data };
}

/** What the registry records of a version, as far as fetching it goes. */
export interface PublishedVersion {
  name: string;
  version: number;
  run_id: string;
  /** The sha256 of the run's metadata.json the registry recorded at registration. */
  metadata_sha256: string;
}

/**
 * The manifest a store holds for run `runId`, which must be the registered run: its
 * metadata.json's sha256 equal to `metadataSha256` when given.
 */
export async function runManifest(
  store: ArtifactStore,
  runId: string,
  o: { metadataSha256?: string; cache?: ArtifactStore } = {},
): Promise<{ manifestSha256: string; manifest: Manifest }> {
  const manifestSha256 = await store.getRef(runRef(runId));
  if (manifestSha256 === null) {
    throw new ArtifactError(
      'unpublished_run',
      `Run ${runId} is not in the artifact store ${store.location}: train it with storage.artifacts ` +
        'set to this store (or publish its run folder) before a host serves it from there',
    );
  }
  const manifest = await fetchManifest(store, manifestSha256, o.cache);
  const meta = manifest.files[METADATA_FILE]?.sha256;
  if (manifest.name !== runId || (o.metadataSha256 !== undefined && meta !== o.metadataSha256)) {
    throw new ArtifactError(
      'artifact_mismatch',
      `${store.location}: run/${runId} names manifest ${manifestSha256} of ${manifest.name} whose ` +
        `metadata.json is ${String(meta)}, but the registry recorded ${o.metadataSha256 ?? '(none)'}: ` +
        'the store does not hold the registered run',
    );
  }
  return { manifestSha256, manifest };
}

/** Where a host's cache keeps a version released in `stage` (a pure function: no I/O). */
export function cachedReleaseDir(cacheDir: string, stage: string, v: PublishedVersion): string {
  // The run id becomes a folder name: the ref rules keep it a plain name.
  checkRefName(runRef(v.run_id));
  return join(cacheDir, 'releases', `${stage}-v${v.version}-${v.run_id}-${v.metadata_sha256.slice(0, 12)}`);
}

/**
 * Version `v` in `stage` as a release folder in `cacheDir` (`cachedReleaseDir`): fetched from
 * `store` through the cache's blobs when missing, checked file by file when present. A file
 * that is not what the manifest records is `blob_corrupt`; the folder is then never returned.
 */
export async function materialiseRelease(
  store: ArtifactStore,
  v: PublishedVersion,
  stage: string,
  since: string,
  cacheDir: string,
): Promise<{ dir: string; manifestSha256: string; written: number }> {
  const cache = await openArtifactStore(`file:${join(cacheDir, 'blobs')}`);
  const { manifestSha256, manifest } = await runManifest(store, v.run_id, {
    metadataSha256: v.metadata_sha256,
    cache,
  });
  const dir = cachedReleaseDir(cacheDir, stage, v);
  const stamp = { name: v.name, version: v.version, stage, run_id: v.run_id, published_at: since };
  const extra = { [REGISTRY_STAMP_FILE]: stampText({ ...stamp, metadata_sha256: v.metadata_sha256 }) };
  const m = await materialise(store, manifest, dir, { cache, extra });
  const held = readRegistryStamp(dir);
  if (held?.run_id !== v.run_id || held.version !== v.version || held.metadata_sha256 !== v.metadata_sha256) {
    throw new ArtifactError(
      'artifact_mismatch',
      `${dir}/${REGISTRY_STAMP_FILE} does not name v${v.version} (run ${v.run_id}): remove ${dir} to fetch it again`,
    );
  }
  return { dir, manifestSha256, written: m.written };
}

/** Run `runId` as a plain run folder in `cacheDir/runs/<run-id>` (fetched or checked). */
export async function materialiseRun(
  store: ArtifactStore,
  runId: string,
  cacheDir: string,
  o: { metadataSha256?: string } = {},
): Promise<{ dir: string; manifestSha256: string; written: number }> {
  const cache = await openArtifactStore(`file:${join(cacheDir, 'blobs')}`);
  const { manifestSha256, manifest } = await runManifest(store, runId, { ...o, cache });
  const m = await materialise(store, manifest, join(cacheDir, 'runs', runId), { cache });
  return { dir: m.dir, manifestSha256, written: m.written };
}
