/**
 * Each registered version's run into the target artifact store, so a host that has only the
 * stores' URIs can load any version: from a models folder's run folders (`publishRun`, which
 * verifies the folder first), or from another artifact store (the manifest's blobs, then the
 * manifest, then ref `run/<run-id>`; every `get` checks the bytes' sha256) — each with its
 * training data when the source has it (the file the run recorded, or ref `data/<run-id>`), so a
 * serving node can promote it through the gate. Publishing is idempotent, so a migration run
 * again publishes nothing twice.
 */
import { isAbsolute, join } from 'node:path';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import { fetchManifest } from '../../store/artifacts/folder-transfer.js';
import type { StoredVersion } from '../../store/registry-store.js';
import { dataRef } from '../run-data.js';
import { publishRun, runManifest, runRef } from '../run-publication.js';

/** Where the source's runs are: its models folder's run folders, or an artifact store. */
export type RunSource = { kind: 'folders'; root: string } | { kind: 'store'; store: ArtifactStore };

/** What publishing the runs did. */
export interface ArtifactsCopy {
  /** Runs published (every registered version's). */
  runs: number;
  /** Blobs the target did not hold before (runs' files, manifests, training data). */
  created: number;
  /** Runs whose training data went too (`data/<run-id>`, so a node can gate them). */
  data: number;
  /** Runs whose training data did not, and why (each can still be promoted where its file is). */
  withoutData: { version: number; run_id: string; reason: string }[];
}

/** Publish the run of every version in `versions` from `from` to `target`. */
export async function copyArtifacts(
  versions: readonly StoredVersion[],
  from: RunSource,
  target: ArtifactStore,
  onProgress?: (done: number, total: number) => void,
): Promise<ArtifactsCopy> {
  const out: ArtifactsCopy = { runs: versions.length, created: 0, data: 0, withoutData: [] };
  let done = 0;
  onProgress?.(0, versions.length);
  for (const v of versions) {
    let data: DataCopy;
    if (from.kind === 'folders') {
      const dir = isAbsolute(v.run_dir) ? v.run_dir : join(from.root, v.run_dir);
      const p = await publishRun(target, dir);
      out.created += p.created;
      data = p.data.status === 'published' ? { created: p.data.created } : { reason: p.data.reason };
    } else {
      out.created += await copyPublishedRun(from.store, target, v);
      data = await copyPublishedData(from.store, target, v);
    }
    if ('created' in data) {
      out.data++;
      out.created += data.created;
    } else out.withoutData.push({ version: v.version, run_id: v.run_id, reason: data.reason });
    onProgress?.(++done, versions.length);
  }
  return out;
}

/** Blobs of `manifestSha256` (its files, then itself) from `source` into `target`; the blobs added. */
async function copyManifest(source: ArtifactStore, target: ArtifactStore, manifestSha256: string) {
  const manifest = await fetchManifest(source, manifestSha256);
  let created = 0;
  for (const e of Object.values(manifest.files)) {
    if (await target.has(e.sha256)) continue;
    if ((await target.put(await source.get(e.sha256))).created) created++;
  }
  // The manifest's own bytes, so its key (the ref's target) is the same in both stores.
  const m = await target.put(await source.get(manifestSha256));
  if (m.created) created++;
  await fetchManifest(target, manifestSha256);
  return created;
}

/** A run's training data copied (the blobs added), or why not. */
type DataCopy = { created: number } | { reason: string };

/** The training data a run has in `source` (ref `data/<run-id>`) into `target`, when it has one. */
async function copyPublishedData(
  source: ArtifactStore,
  target: ArtifactStore,
  v: StoredVersion,
): Promise<DataCopy> {
  const ref = await source.getRef(dataRef(v.run_id));
  if (ref === null)
    return { reason: `${source.location} holds no training data for it (${dataRef(v.run_id)})` };
  const created = await copyManifest(source, target, ref);
  await target.setRef(dataRef(v.run_id), ref);
  return { created };
}

/** A run published in `source` into `target`: blobs, manifest, ref. Returns the blobs added. */
async function copyPublishedRun(
  source: ArtifactStore,
  target: ArtifactStore,
  v: StoredVersion,
): Promise<number> {
  const { manifestSha256 } = await runManifest(source, v.run_id, { metadataSha256: v.metadata_sha256 });
  const created = await copyManifest(source, target, manifestSha256);
  await target.setRef(runRef(v.run_id), manifestSha256);
  return created;
}
