/**
 * `POST /admin/promote` for `tabflow serve` and `startServer`: the registry of the models folder, opened per request
 * (a server holds no registry connection between promotions), promoting with the gate of the
 * `registry` config section when --config has one, else each candidate's own config.
 *
 * The gate scores both models on held-out rows in this process: a promotion to production holds
 * the event loop for as long as that takes (about a second for the bundled datasets).
 */
import { TabflowError } from '../core/errors.js';
import { gateConfigOf, promote } from '../promotion/index.js';
import { ModelRegistry, REGISTRY_DB_FILE, registryUriOf, resolveRegistryConfig } from '../registry/index.js';
import { storeExists } from '../store/open-stores.js';
import type { PromoteDecision, PromoteRequest } from './routes/admin.js';

/** No registry to promote through: 501. */
class RegistryUnavailable extends TabflowError {
  override readonly httpStatus = 501;
}

/** The promotion of the admin routes, through the registry in `root` (`rawConfig.registry`: the gate). */
export function registryPromoter(
  root: string,
  rawConfig: Record<string, unknown>,
): (req: PromoteRequest) => Promise<PromoteDecision> {
  // Resolved once: a bad registry section fails at start, not at the first promotion.
  const gate =
    rawConfig.registry !== undefined ? gateConfigOf(resolveRegistryConfig(rawConfig.registry)) : undefined;
  return async (req) => {
    // Opening a registry creates one and resets the stage links to it: never do that to a models
    // folder that has none (stages published by hand or by an older tabflow).
    if (!(await storeExists('registry', registryUriOf(root)))) {
      throw new RegistryUnavailable(
        'registry_not_available',
        `No model registry in ${root} (${REGISTRY_DB_FILE} is missing): register runs with tabflow train first`,
      );
    }
    const reg = await ModelRegistry.open(root);
    try {
      const decision = await promote(reg, req.version, req.stage, {
        force: req.force,
        reason: req.reason,
        actor: req.actor,
        ...(gate ? { gate } : {}),
      });
      return decision as unknown as PromoteDecision;
    } finally {
      await reg.close();
    }
  };
}
