/**
 * `tabflow models promote` on a host that does not have the candidate's run folder — an
 * operator's machine sharing the registry (`--storage`, or `storage.uri` of --config): with
 * `storage.artifacts` in --config, the gate reads both runs and their training data from the
 * artifact store through `storage.artifact_cache`, as a serving node's /admin/promote does, and
 * the move is recorded in the shared registry, which every host follows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_FILE } from '../log/default-log-path.js';
import type { RunAccess } from '../promotion/promote.js';
import { storeRunAccess } from '../promotion/store-runs.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { artifactCacheDir, resolveArtifactStorageConfig } from '../store/artifacts/artifacts-config.js';
import { isModelsFolderStore, openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { logStoreOf } from '../store/storage-setting.js';

/** Runs read from the artifact store, and what to close after the promotion. */
export interface StoreRuns {
  runs: RunAccess;
  close(): Promise<void>;
}

/**
 * The artifact store's runs for promoting `ref` of `reg`, when this host lacks its run folder
 * and the config names an artifact store; null otherwise (the run folders of this host are used).
 */
export async function storeRunsFor(
  raw: Record<string, unknown> | null,
  reg: ModelRegistry,
  ref: string,
): Promise<StoreRuns | null> {
  const storage = resolveArtifactStorageConfig(raw?.storage, 'storage');
  const uri = storage.artifacts;
  if (uri === null || isModelsFolderStore(uri, reg.root)) return null;
  if (existsSync((await reg.get(ref)).run_path)) return null;
  const store = await openArtifactStore(uri);
  return {
    runs: storeRunAccess(store, artifactCacheDir(storage), logStoreOf(join(reg.root, LOG_FILE))),
    close: () => store.close(),
  };
}
