/**
 * `POST /admin/promote` on a node that serves from an artifact store (no models folder): the
 * same gated `promote()` that `tabflow models promote` runs on the training host, through the
 * shared registry. Both runs are fetched into the node's cache (`materialiseRun`: every file
 * checked against the manifest, whose metadata.json must be the one the registry recorded), and
 * so is each run's training data (`materialiseRunData`: the bytes whose sha256 the run recorded),
 * from which the gate rebuilds the held-out rows exactly as the training host does — the same
 * rows, the same numbers, the same decision. Feedback comes from the log every host shares.
 *
 * The stage move is recorded in the registry without folders (`ModelRegistry.open` with
 * `folders: false`); every node, this one included, follows it from there. A version whose run
 * the store does not hold is refused even with `force`: no node could load it.
 */
import { join } from 'node:path';
import { LOG_FILE } from '../log/default-log-path.js';
import { gateConfigOf, promote } from '../promotion/index.js';
import { storeRunAccess } from '../promotion/store-runs.js';
import { ModelRegistry, resolveRegistryConfig } from '../registry/index.js';
import { openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { registryUriOf } from '../store/open-stores.js';
import { logStoreOf } from '../store/storage-setting.js';
import type { PromoteDecision, PromoteRequest } from './routes/admin.js';
import type { StoreServing } from './store-source.js';

/** What a store node promotes through. */
export interface StorePromoterOptions {
  serving: StoreServing;
  /** The models folder whose registry and log are the defaults (`registryUriOf`, `logStoreOf`). */
  root: string;
  /** The server's config: its `registry` section, when present, is the gate (else the candidate's own). */
  rawConfig: Record<string, unknown>;
}

/** The promotion of the admin routes on a node serving from `o.serving.artifacts`. */
export function storePromoter(o: StorePromoterOptions): (req: PromoteRequest) => Promise<PromoteDecision> {
  // Resolved once: a bad registry section fails at start, not at the first promotion.
  const gate =
    o.rawConfig.registry !== undefined
      ? gateConfigOf(resolveRegistryConfig(o.rawConfig.registry))
      : undefined;
  const registryUri = o.serving.registry ?? registryUriOf(o.root);
  const feedbackLog = logStoreOf(join(o.root, LOG_FILE));
  return async (req) => {
    const store = await openArtifactStore(o.serving.artifacts);
    try {
      const reg = await ModelRegistry.open(o.root, { store: registryUri, folders: false });
      try {
        const runs = storeRunAccess(store, o.serving.cacheDir, feedbackLog);
        // Fetched before the gate, outside `force`: a stage no node can load is never recorded.
        await runs.runDir(await reg.get(req.version));
        const decision = await promote(reg, req.version, req.stage, {
          force: req.force,
          reason: req.reason,
          actor: req.actor,
          runs,
          ...(gate ? { gate } : {}),
        });
        return decision as unknown as PromoteDecision;
      } finally {
        await reg.close();
      }
    } finally {
      await store.close();
    }
  };
}
