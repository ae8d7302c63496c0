/**
 * The UI opens the registry per call, as the server's promoter does: a page holds no connection
 * between clicks, and a models folder without a registry is never given one.
 */
import { UsageError } from '../core/errors.js';
import { ModelRegistry, REGISTRY_DB_FILE, registryUriOf } from '../registry/index.js';
import { storeExists } from '../store/open-stores.js';

/** Runs `fn` on the registry of `root`, closed after; `no_registry` when `root` has none. */
export async function withRegistry<T>(root: string, fn: (reg: ModelRegistry) => T | Promise<T>): Promise<T> {
  if (!(await storeExists('registry', registryUriOf(root)))) {
    throw new UsageError(
      'no_registry',
      `No model registry in ${root} (${REGISTRY_DB_FILE} is missing): register runs with tabflow train first`,
    );
  }
  const reg = await ModelRegistry.open(root);
  try {
    return await fn(reg);
  } finally {
    await reg.close();
  }
}
