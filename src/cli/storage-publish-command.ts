/**
 * `tabflow storage publish [refs…]`: registered runs of a models folder, with their training
 * data, into the artifact store (`publishRun`: the run folder verified, its files and manifest,
 * then the data file the run recorded). Publishing is idempotent, so this is also how a run
 * published before runs carried their training data gets it — and with it, promotion through
 * the gate on a serving node that has no copy of the file.
 */
import { readConfigFile } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { TabflowError, UsageError } from '../core/errors.js';
import { ModelRegistry } from '../registry/model-registry.js';
import type { VersionRecord } from '../registry/records.js';
import { type PublishedRun, publishRun } from '../registry/run-publication.js';
import { resolveArtifactStorageConfig } from '../store/artifacts/artifacts-config.js';
import { isModelsFolderStore, openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { REGISTRY_DB_FILE, registryUriOf, storeExists } from '../store/open-stores.js';
import { type ModelsDirFlags, modelsRootOf } from './models-dir.js';
import { publishedLine } from './models-format.js';

/** The flags of `storage publish`. */
export interface StoragePublishOptions extends ModelsDirFlags {
  artifacts?: string;
  config?: string;
  env?: string;
  json?: boolean;
}

/** One version's outcome. */
type Outcome = { version: number; published: PublishedRun } | { version: number; error: string };

/** Publish the versions `refs` name (all when none); exit 1 when any could not be published. */
export async function storagePublishCommand(refs: string[], o: StoragePublishOptions): Promise<number> {
  const raw = o.config ? applyEnvironment(readConfigFile(o.config), selectedEnvironment(o.env)) : null;
  const root = modelsRootOf(o, raw);
  const uri = o.artifacts ?? resolveArtifactStorageConfig(raw?.storage, 'storage').artifacts;
  if (uri === null || isModelsFolderStore(uri, root)) {
    throw new UsageError(
      'missing_option',
      'tabflow storage publish needs an artifact store other than the models folder: --artifacts <uri>, ' +
        'or a --config whose storage.artifacts names one (file:<folder> or postgres://…)',
    );
  }
  if (!(await storeExists('registry', registryUriOf(root)))) {
    throw new UsageError(
      'no_registry',
      `No model registry in ${root} (no ${REGISTRY_DB_FILE}): publish from the models folder the runs were ` +
        'trained into (--models-dir), with the storage they are registered in (--storage or --config)',
    );
  }
  const store = await openArtifactStore(uri, { key: o.artifacts ? '--artifacts' : 'storage.artifacts' });
  try {
    const reg = await ModelRegistry.open(root);
    try {
      const versions = refs.length ? await Promise.all(refs.map((r) => reg.get(r))) : await reg.list();
      const outcomes: Outcome[] = [];
      for (const v of versions) outcomes.push(await publishOne(store, v));
      const failed = outcomes.filter((x) => 'error' in x).length;
      process.stdout.write(
        o.json ? `${JSON.stringify(outcomes, null, 2)}\n` : `${outcomes.map(outcomeLine).join('\n')}\n`,
      );
      return failed ? 1 : 0;
    } finally {
      await reg.close();
    }
  } finally {
    await store.close();
  }
}

async function publishOne(
  store: Awaited<ReturnType<typeof openArtifactStore>>,
  v: VersionRecord,
): Promise<Outcome> {
  try {
    return { version: v.version, published: await publishRun(store, v.run_path) };
  } catch (e) {
    if (!(e instanceof TabflowError)) throw e;
    return { version: v.version, error: e.message };
  }
}

function outcomeLine(x: Outcome): string {
  return 'error' in x
    ? `v${x.version}: not published: ${x.error}`
    : `v${x.version}: ${publishedLine(x.published)}`;
}
