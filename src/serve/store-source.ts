/**
 * A stage served from an artifact store (`storage.artifacts`): the host needs the registry and
 * the store's URI, never the training host's models folder. Every poll reads which version the
 * registry holds in the stage; a version not loaded yet is materialised into the local cache
 * (`materialiseRelease`: fetched through the cached blobs, every file checked against its
 * manifest and the registry's metadata.json sha256) and then loaded and swapped in by the
 * `StageFollower`, which keeps the old model when that fails.
 */
import { ArtifactError, UsageError } from '../core/errors.js';
import { registryExperimentRecord } from '../experiment/experiment-record.js';
import type { Stage } from '../registry/names.js';
import {
  cachedReleaseDir,
  materialiseRelease,
  materialiseRun,
  type PublishedVersion,
} from '../registry/run-publication.js';
import { openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { openStores, registryUriOf, storeExists } from '../store/open-stores.js';
import type { RegistryStore, RegistryWatch } from '../store/registry-store.js';
import { ExperimentFollower, type ExperimentSource } from './experiment-follower.js';
import type { ModelSource } from './model-source.js';
import type { ModelPipeline } from './pipeline-port.js';
import { type SourceLogger, StageFollower } from './stage-follower.js';

/** Where a server gets its model from when it serves from an artifact store. */
export interface StoreServing {
  /** The artifact store's URI (`storage.artifacts`): file:<folder> or postgres://…?schema=… */
  artifacts: string;
  /** The local cache of fetched runs (`storage.artifact_cache`). */
  cacheDir: string;
  /** The registry's URI (default: sqlite:<models dir>/registry.sqlite). */
  registry?: string;
}

/** What `openStoreSource` follows. */
export interface StoreSourceOptions {
  serving: StoreServing;
  /** The models folder whose registry is read when `serving.registry` is not given. */
  root: string;
  stage: Stage;
  pollMs: number;
  load: (dir: string) => ModelPipeline | Promise<ModelPipeline>;
  logger?: SourceLogger;
}

/** What a node serving from an artifact store follows: the stage, and (production) the A/B experiment. */
export interface StoreServed {
  source: ModelSource;
  /** The experiment kept in the registry, its challenger fetched from the store; null off production. */
  experiments: ExperimentSource | null;
}

/**
 * Follow `stage` of the registry, loading each version it moves to from the artifact store, and
 * on production the registry's A/B experiment; both are checked at once when the registry
 * notifies a change (PostgreSQL), and every `pollMs` in any case. Closing the source closes all.
 */
export async function openStoreSource(o: StoreSourceOptions): Promise<StoreServed> {
  const registryUri = o.serving.registry ?? registryUriOf(o.root);
  if (!(await storeExists('registry', registryUri))) {
    throw new UsageError(
      'no_registry',
      `No model registry at ${registryUri}: serving from storage.artifacts reads the stage from it`,
    );
  }
  const stores = await openStores({ registry: registryUri });
  let artifacts: Awaited<ReturnType<typeof openArtifactStore>> | undefined;
  let experiments: ExperimentFollower | null = null;
  const closeAll = (): Promise<unknown> => Promise.allSettled([stores.close(), artifacts?.close()]);
  try {
    artifacts = await openArtifactStore(o.serving.artifacts);
    const store = artifacts;
    // Planned by locate(), materialised by load(): the folder name is the release's identity.
    const plans = new Map<string, { v: PublishedVersion; since: string }>();
    const locate = async (): Promise<string> => {
      const row = (await stores.registry.getStages()).find((s) => s.stage === o.stage);
      const v = row ? await stores.registry.getVersion(row.version) : null;
      if (!row || !v) {
        throw new ArtifactError('stage_missing', `No version is in stage ${o.stage} of ${registryUri}`);
      }
      const dir = cachedReleaseDir(o.serving.cacheDir, o.stage, v);
      plans.set(dir, { v, since: row.since });
      return dir;
    };
    const load = async (dir: string) => {
      const p = plans.get(dir);
      if (!p) throw new ArtifactError('stage_missing', `${dir} was not located in the registry`);
      await materialiseRelease(store, p.v, o.stage, p.since, o.serving.cacheDir);
      return o.load(dir);
    };
    const link = `${store.location} (stage ${o.stage} of ${registryUri})`;
    const follower = await StageFollower.open({
      link,
      locate,
      load,
      pollMs: o.pollMs,
      stage: o.stage,
      logger: o.logger,
    });
    if (o.stage === 'production') {
      experiments = await ExperimentFollower.open({
        record: registryExperimentRecord(stores.registry),
        // The challenger's run, fetched into the cache and verified like a release.
        locate: async (arm) => (await materialiseRun(store, arm.run_id, o.serving.cacheDir)).dir,
        load: o.load,
        pollMs: o.pollMs,
        logger: o.logger,
      });
    }
    const followers: { reload(): Promise<unknown> }[] = experiments ? [follower, experiments] : [follower];
    const watch = await followNotifications(stores.registry, followers, o.logger);
    const close = follower.close.bind(follower);
    const ab = experiments;
    follower.close = () => {
      close();
      ab?.close();
      void watch?.close();
      void closeAll();
    };
    return { source: follower, experiments };
  } catch (e) {
    experiments?.close();
    await closeAll();
    throw e;
  }
}

/**
 * Check the stage as soon as the registry says it changed (PostgreSQL: LISTEN/NOTIFY), so a
 * promotion made on any host reaches this node in milliseconds; polling stays on as the fallback.
 * A registry that cannot notify (SQLite) or a listener that cannot start leaves polling alone.
 */
async function followNotifications(
  registry: RegistryStore,
  followers: { reload(): Promise<unknown> }[],
  logger?: SourceLogger,
): Promise<RegistryWatch | null> {
  const onChange = () => {
    // A failed load is logged and counted by its follower.
    for (const f of followers) f.reload().catch(() => {});
  };
  try {
    return await registry.watch(onChange, {
      onStatus: (s) =>
        s.listening
          ? logger?.info({ registry: registry.location }, 'registry notifications resumed')
          : logger?.warn(
              { registry: registry.location, error: s.error },
              'registry notifications lost; polling until they resume',
            ),
    });
  } catch (e) {
    logger?.warn(
      { registry: registry.location, error: (e as Error).message },
      'registry notifications unavailable; polling',
    );
    return null;
  }
}
