/**
 * `RunAccess` through an artifact store: how a host without the models folder (a serving node,
 * an operator's machine) reads the runs the gate compares. Each run is fetched into the host's
 * cache (`materialiseRun`: every file checked against the manifest, whose metadata.json must be
 * the one the registry recorded) and so is its training data (`materialiseRunData`: the bytes
 * whose sha256 the run recorded), from which the gate rebuilds the held-out rows exactly as the
 * training host does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunConfig } from '../artifacts/run-config.js';
import { METADATA_FILE, type MetadataJson } from '../artifacts/run-folder.js';
import type { VersionRecord } from '../registry/records.js';
import { materialiseRunData } from '../registry/run-data.js';
import { materialiseRun } from '../registry/run-publication.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import type { RunAccess } from './promote.js';

/**
 * Runs and their training data from `store` through `cacheDir`, each run fetched once per
 * access object (make one per promotion); `feedbackLog` is the log whose feedback joins the gate.
 */
export function storeRunAccess(store: ArtifactStore, cacheDir: string, feedbackLog?: string): RunAccess {
  const dirs = new Map<number, Promise<string>>();
  return {
    runDir(v: VersionRecord) {
      let dir = dirs.get(v.version);
      if (!dir) {
        dir = materialiseRun(store, v.run_id, cacheDir, { metadataSha256: v.metadata_sha256 }).then(
          (m) => m.dir,
        );
        dirs.set(v.version, dir);
      }
      return dir;
    },
    dataFile(dir: string) {
      // The folder was checked against the registry's record when it was fetched.
      const metadata = JSON.parse(readFileSync(join(dir, METADATA_FILE), 'utf8')) as MetadataJson;
      return materialiseRunData(store, { metadata, config: readRunConfig(dir) }, cacheDir);
    },
    ...(feedbackLog !== undefined ? { feedbackLog } : {}),
  };
}
