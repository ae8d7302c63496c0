/**
 * `POST /admin/promote` for `tabflow serve` and `startServer`: the registry of the models folder, opened per request
 * (a server holds no registry connection between promotions), promoting with the gate of the
 * `registry` config section when --config has one, else each candidate's own config.
 *
 * The gate scores both models on held-out rows in this process: a promotion to production holds
 * the event loop for as long as that takes (about a second for the bundled datasets).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TabflowError } from '../core/errors.js';
import { gateConfigOf, promote } from '../promotion/index.js';
import { ModelRegistry, REGISTRY_DB_FILE, resolveRegistryConfig } from '../registry/index.js';
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
    if (!existsSync(join(root, REGISTRY_DB_FILE))) {
      throw new RegistryUnavailable(
        'registry_not_available',
        `No model registry in ${root} (${REGISTRY_DB_FILE} is missing): register runs with tabflow train first`,
      );
    }
    const reg = ModelRegistry.open(root);
    try {
      const decision = await promote(reg, req.version, req.stage, {
        force: req.force,
        reason: req.reason,
        actor: req.actor,
        ...(gate ? { gate } : {}),
      });
      return decision as unknown as PromoteDecision;
    } finally {
      reg.close();
    }
  };
}
