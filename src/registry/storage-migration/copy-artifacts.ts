/**
 * Each registered version's run into the target artifact store, so a host that has only the
 * stores' URIs can load any version: from a models folder's run folders (`publishRun`, which
 * verifies the folder first), or from another artifact store (the manifest's blobs, then the
 * manifest, then ref `run/<run-id>`; every `get` checks the bytes' sha256). Publishing is
 * idempotent, so a migration run again publishes nothing twice.
 */
import { isAbsolute, join } from 'node:path';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import { fetchManifest } from '../../store/artifacts/folder-transfer.js';
import type { StoredVersion } from '../../store/registry-store.js';
import { publishRun, runManifest, runRef } from '../run-publication.js';

/** Where the source's runs are: its models folder's run folders, or an artifact store. */
export type RunSource = { kind: 'folders'; root: string } | { kind: 'store'; store: ArtifactStore };

/** What publishing the runs did. */
export interface ArtifactsCopy {
  /** Runs published (every registered version's). */
  runs: number;
  /** Blobs the target did not hold before. */
  created: number;
}

/** Publish the run of every version in `versions` from `from` to `target`. */
export async function copyArtifacts(
  versions: readonly StoredVersion[],
  from: RunSource,
  target: ArtifactStore,
  onProgress?: (done: number, total: number) => void,
): Promise<ArtifactsCopy> {
  let created = 0;
  let done = 0;
  onProgress?.(0, versions.length);
  for (const v of versions) {
    if (from.kind === 'folders') {
      const dir = isAbsolute(v.run_dir) ? v.run_dir : join(from.root, v.run_dir);
      created += (await publishRun(target, dir)).created;
    } else {
      created += await copyPublishedRun(from.store, target, v);
    }
    onProgress?.(++done, versions.length);
  }
  return { runs: versions.length, created };
}

/** A run published in `source` into `target`: blobs, manifest, ref. Returns the blobs added. */
async function copyPublishedRun(
  source: ArtifactStore,
  target: ArtifactStore,
  v: StoredVersion,
): Promise<number> {
  const { manifestSha256, manifest } = await runManifest(source, v.run_id, {
    metadataSha256: v.metadata_sha256,
  });
  let created = 0;
  for (const e of Object.values(manifest.files)) {
    if (await target.has(e.sha256)) continue;
    if ((await target.put(await source.get(e.sha256))).created) created++;
  }
  // The manifest's own bytes, so its key (the ref's target) is the same in both stores.
  const m = await target.put(await source.get(manifestSha256));
  if (m.created) created++;
  await fetchManifest(target, manifestSha256);
  await target.setRef(runRef(v.run_id), manifestSha256);
  return created;
}
