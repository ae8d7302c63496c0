/**
 * The check after a migration: the target holds what the source holds. Registry parts (the
 * running A/B test one of them, wherever each side keeps it), prediction and feedback rows are
 * compared by count and sha256 (digests.ts); every registered version's run
 * must be in the target artifact store — its manifest under ref `run/<run-id>`, its metadata.json
 * the one the registry recorded, each file the registry lists with the recorded sha256, its
 * training data (when published) the file the registry recorded, and every blob readable (each
 * `get` re-hashes the bytes). Every difference is reported at once.
 */
import { DataError, TabflowError } from '../../core/errors.js';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import { fetchManifest } from '../../store/artifacts/folder-transfer.js';
import type { LoggedFeedback, LoggedPrediction, PredictionStore } from '../../store/prediction-store.js';
import type { StoredVersion } from '../../store/registry-store.js';
import { dataRef } from '../run-data.js';
import { runManifest } from '../run-publication.js';
import type { ExperimentSide } from './copy-experiment.js';
import {
  compareRows,
  differingParts,
  digestOf,
  firstDifference,
  type RegistryDigest,
  type RowsDigest,
  registrySnapshot,
} from './digests.js';

/** What was compared, and found equal. */
export interface Verification {
  registry: RegistryDigest;
  predictions: RowsDigest;
  feedback: RowsDigest;
  /**
   * Runs and files checked in the target artifact store, and the runs whose training data it
   * holds (each the data file the run recorded, readable); null when none was checked.
   */
  artifacts: { runs: number; files: number; data: number } | null;
}

/** The stores on one side, and where it keeps its running experiment (`ExperimentSide`). */
export interface VerifiedSide extends ExperimentSide {
  log: PredictionStore | null;
}

/**
 * Compare `source` with `target` (and the runs in `artifacts`); any difference is
 * `migration_mismatch` listing each one with both values.
 */
export async function verifyMigration(
  source: VerifiedSide,
  target: VerifiedSide,
  artifacts: ArtifactStore | null,
  onProgress?: (done: number, total: number) => void,
): Promise<Verification> {
  const problems: string[] = [];
  const [sa, sb] = [await registrySnapshot(source), await registrySnapshot(target)];
  onProgress?.(0, artifacts ? sa.versions.length : 0);
  const [a, b] = [digestOf(sa), digestOf(sb)];
  for (const part of differingParts(a, b)) {
    problems.push(
      `registry ${part}: source ${describe(a[part], a.sha256[part])}, target ${describe(b[part], b.sha256[part])}; ` +
        firstDifference(sa[part], sb[part]),
    );
  }
  const predictions = await rowsOf('predictions', (l) => l.predictions(), source.log, target.log, problems);
  const feedback = await rowsOf('feedback', (l) => l.feedbackRows(), source.log, target.log, problems);
  const checked = artifacts ? await verifyRuns(sa.versions, artifacts, problems, onProgress) : null;
  if (problems.length) {
    throw new DataError(
      'migration_mismatch',
      `The target differs from the source (${source.registry.location} → ${target.registry.location}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nThe source may have changed during the copy (stop the servers and trainers writing to it, then run ' +
        'again with --resume), or the target was changed after it.',
    );
  }
  return { registry: a, predictions, feedback, artifacts: checked };
}

function describe(n: number, sha: string): string {
  return `${n} (sha256 ${sha.slice(0, 12)})`;
}

async function* nothing<R>(): AsyncGenerator<R> {}

/** Both sides' rows of a table read side by side; a difference is added to `problems`. */
async function rowsOf<R extends LoggedPrediction | LoggedFeedback>(
  table: string,
  read: (log: PredictionStore) => AsyncIterable<R>,
  source: PredictionStore | null,
  target: PredictionStore | null,
  problems: string[],
): Promise<RowsDigest> {
  const c = await compareRows(source ? read(source) : nothing<R>(), target ? read(target) : nothing<R>());
  if (c.first !== null) {
    problems.push(
      `${table} rows: source ${describe(c.source.rows, c.source.sha256)}, target ${describe(c.target.rows, c.target.sha256)}; ${c.first}`,
    );
  }
  return c.source;
}

/** Each version's run in `store`: manifest, metadata.json, recorded files, readable blobs. */
async function verifyRuns(
  versions: readonly StoredVersion[],
  store: ArtifactStore,
  problems: string[],
  onProgress?: (done: number, total: number) => void,
): Promise<{ runs: number; files: number; data: number }> {
  let files = 0;
  let data = 0;
  let done = 0;
  for (const v of versions) {
    try {
      if (await verifyData(store, v, problems)) data++;
      const { manifest } = await runManifest(store, v.run_id, { metadataSha256: v.metadata_sha256 });
      for (const [name, e] of Object.entries(v.artifacts)) {
        const held = manifest.files[name]?.sha256;
        if (held !== e.sha256) {
          problems.push(
            `v${v.version} (run ${v.run_id}) ${name}: the registry records sha256 ${e.sha256}, the target's manifest ${held ?? 'has no such file'}`,
          );
        }
      }
      for (const e of Object.values(manifest.files)) {
        await store.get(e.sha256);
        files++;
      }
    } catch (e) {
      if (!(e instanceof TabflowError)) throw e;
      problems.push(`v${v.version} (run ${v.run_id}) in ${store.location}: ${e.message}`);
    }
    onProgress?.(++done, versions.length);
  }
  return { runs: versions.length, files, data };
}

/**
 * A run's training data in `store`, when it holds some (`data/<run-id>`): one file, the one the
 * registry recorded the run was trained on, readable. Whether it holds any is not checked (a run
 * trained from memory, or with `storage.publish_data: false`, has none).
 */
async function verifyData(store: ArtifactStore, v: StoredVersion, problems: string[]): Promise<boolean> {
  const ref = await store.getRef(dataRef(v.run_id));
  if (ref === null) return false;
  const files = Object.values((await fetchManifest(store, ref)).files);
  if (files.length !== 1 || files[0].sha256 !== v.data_sha256) {
    problems.push(
      `v${v.version} (run ${v.run_id}) ${dataRef(v.run_id)}: names ${files.map((f) => f.sha256).join(', ') || 'no file'}, ` +
        `the registry records training data ${v.data_sha256}`,
    );
    return false;
  }
  await store.get(files[0].sha256);
  return true;
}
