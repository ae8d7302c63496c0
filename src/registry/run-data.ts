/**
 * A run's training data file through the artifact store, so that a host without the training
 * host's files (a serving node) can rebuild the run's split — the promotion gate's TEST rows and
 * the TRAIN/VAL rows it leaves out — exactly as the training host does: from the same bytes,
 * through the same load → clean → split.
 *
 * The file goes in as it was read: one content-addressed blob whose key is the sha256 the run's
 * metadata.json already records for its data (and metadata.json is pinned by the registry's
 * record), named by a one-file manifest under ref `data/<run-id>`, so its file name (hence its
 * format) travels with it. Runs trained on the same file share the blob. Nothing is published for
 * a run trained from data in memory, or whose config says `storage.publish_data: false`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { MetadataJson, RunFolder } from '../artifacts/run-folder.js';
import { ArtifactError, DataError } from '../core/errors.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import { resolveArtifactStorageConfig } from '../store/artifacts/artifacts-config.js';
import { fetchManifest, materialise } from '../store/artifacts/folder-transfer.js';
import { checkFileName, manifestText } from '../store/artifacts/manifest.js';

/** The ref a run's training data manifest is published under. */
export function dataRef(runId: string): string {
  return `data/${runId}`;
}

/** What publishing a run's training data did. */
export type PublishedData =
  | {
      status: 'published';
      /** The file as the run's config names it. */
      path: string;
      sha256: string;
      bytes: number;
      /** Blobs this publish added (0: the store held the file and the manifest already). */
      created: number;
    }
  | {
      status: 'skipped';
      /** Why not, in a sentence that names the file (printed by train, migrate and publish). */
      reason: string;
    };

/** The data file a run's config names and what its metadata recorded of it. */
interface RunData {
  runId: string;
  /** config.yaml's `data.path` (relative to where the run was trained), or null (data in memory). */
  path: string | null;
  sha256: string;
  bytes: number;
  /** `storage.publish_data` of the run's config (true when it has none: runs older than the key). */
  publish: boolean;
}

function runDataOf(meta: MetadataJson, config: unknown, where: string): RunData {
  const cfg = (config ?? {}) as { data?: { path?: unknown }; storage?: unknown };
  const path = typeof cfg.data?.path === 'string' && cfg.data.path !== '' ? cfg.data.path : null;
  const storage = resolveArtifactStorageConfig(cfg.storage ?? {}, `${where} storage`);
  return {
    runId: meta.run_id,
    path,
    sha256: meta.data.sha256,
    bytes: meta.data.bytes,
    publish: storage.publish_data,
  };
}

/**
 * Publish the training data of the (verified) run `run` to `store`: the file its config names,
 * when it is found (relative paths from the working directory, as the gate reads them) and still
 * has the sha256 the run recorded. Publishing again changes nothing; a file the store holds
 * already (another run's) is not read at all.
 */
export async function publishRunData(store: ArtifactStore, run: RunFolder): Promise<PublishedData> {
  const d = runDataOf(run.metadata, run.config, `run ${run.metadata.run_id} config.yaml`);
  if (d.path === null) {
    return { status: 'skipped', reason: 'trained from data in memory: there is no file to publish' };
  }
  if (!d.publish) {
    return {
      status: 'skipped',
      reason: `storage.publish_data is false in its config: ${d.path} stays on the training host`,
    };
  }
  let created = 0;
  if (!(await store.has(d.sha256))) {
    if (!existsSync(d.path)) {
      return {
        status: 'skipped',
        reason: `${d.path} cannot be found from ${process.cwd()} (a relative path is relative to where it was trained)`,
      };
    }
    const now = await sha256OfFile(d.path);
    if (now !== d.sha256) {
      return {
        status: 'skipped',
        reason: `${d.path} has changed since the run was trained (sha256 ${now.slice(0, 12)}…, recorded ${d.sha256.slice(0, 12)}…)`,
      };
    }
    const put = await store.put(createReadStream(d.path));
    if (put.sha256 !== d.sha256) {
      return { status: 'skipped', reason: `${d.path} changed while it was being published` };
    }
    if (put.created) created++;
  }
  // The manifest is built from the run's record (name, sha256, size): the file is not read again.
  const text = manifestText(dataRef(d.runId), {
    [manifestFileName(d.path)]: { sha256: d.sha256, bytes: d.bytes },
  });
  const m = await store.put(text);
  if (m.created) created++;
  await store.setRef(dataRef(d.runId), m.sha256);
  return { status: 'published', path: d.path, sha256: d.sha256, bytes: d.bytes, created };
}

/**
 * The name the file has in its manifest (and in a host's cache): its own when a manifest allows
 * it, else `training-data` with its extension — the extension is what the loader reads the
 * format from.
 */
function manifestFileName(path: string): string {
  const name = basename(path);
  try {
    return checkFileName(name, 'data');
  } catch {
    const ext = extname(name).replace(/[^A-Za-z0-9.]/g, '');
    return `training-data${ext}`;
  }
}

/** Hex sha256 of a file, streamed. */
function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/**
 * The training data of a run (its metadata.json and config.yaml, read from a verified folder), as
 * a file in `cacheDir`: fetched from `store` when missing, checked when present — its manifest
 * must record the sha256 the run's metadata.json records, and the file must hash to it. A run
 * whose data the store does not hold is `gate_data_unpublished`, saying why and what to do.
 */
export async function materialiseRunData(
  store: ArtifactStore,
  run: { metadata: MetadataJson; config: unknown },
  cacheDir: string,
): Promise<string> {
  const d = runDataOf(run.metadata, run.config, `run ${run.metadata.run_id} config.yaml`);
  if (d.path === null) {
    throw new DataError(
      'run_without_data',
      `Run ${d.runId} was trained from data in memory (its config names no data file), so its held-out rows ` +
        'cannot be rebuilt anywhere; pass --eval-data FILE where a command takes it (models promote)',
    );
  }
  const ref = await store.getRef(dataRef(d.runId));
  if (ref === null) throw unpublished(d, store.location);
  const manifest = await fetchManifest(store, ref);
  const entries = Object.entries(manifest.files);
  if (entries.length !== 1 || entries[0][1].sha256 !== d.sha256) {
    throw new ArtifactError(
      'artifact_mismatch',
      `${store.location}: ${dataRef(d.runId)} names ${entries.map(([n, e]) => `${n} (sha256 ${e.sha256})`).join(', ') || 'no file'}, ` +
        `but run ${d.runId} was trained on data with sha256 ${d.sha256}: the store does not hold its training data`,
    );
  }
  const [[name]] = entries;
  const m = await materialise(store, manifest, join(cacheDir, 'data', `${d.sha256}-${name}`));
  return join(m.dir, name);
}

function unpublished(d: RunData, location: string): DataError {
  const what =
    `The training data of run ${d.runId} (${basename(d.path ?? '')}, sha256 ${d.sha256.slice(0, 12)}…) is not in the ` +
    `artifact store ${location}, and this host has no copy of it, so the gate cannot rebuild the run's held-out rows here`;
  if (!d.publish) {
    return new DataError(
      'gate_data_unpublished',
      `${what}: the run was trained with storage.publish_data: false, so its data stays on the training host. ` +
        'Promote from there (tabflow models promote <version> --to production), or pass --eval-data FILE',
    );
  }
  return new DataError(
    'gate_data_unpublished',
    `${what}: the run was published before tabflow published training data with its runs. Publish it from the ` +
      'training host, where the file is (tabflow storage publish --models-dir <models folder> --artifacts <this store>), ' +
      'or promote from there (tabflow models promote <version> --to production)',
  );
}
