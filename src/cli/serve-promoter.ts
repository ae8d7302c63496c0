/**
 * `POST /admin/promote` for `tabflow serve`: the registry of the models folder, opened per request
 * (a server holds no registry connection between promotions), promoting with the gate of the
 * `registry` config section when --config has one, else each candidate's own config.
 *
 * The gate scores both models on held-out rows in this process: a promotion to production holds
 * the event loop for as long as that takes (about a second for the bundled datasets).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TabflowError } from '../core/errors.js';
import type { PromoteDecision, PromoteRequest } from '../serve/index.js';

/** No registry module or database to promote through: 501. */
class RegistryUnavailable extends TabflowError {
  override readonly httpStatus = 501;
}

interface RegistryModule {
  ModelRegistry: {
    open(root: string): {
      promote(
        ref: string | number,
        stage: PromoteRequest['stage'],
        o: { force?: boolean; reason?: string; actor?: string; gate?: unknown },
      ): Promise<PromoteDecision>;
      close(): void;
    };
  };
  gateConfigOf(r: unknown): unknown;
  resolveRegistryConfig(raw: unknown, prefix?: string): unknown;
}

// A variable specifier: the serve CLI does not depend on the registry at build time.
const REGISTRY_MODULE = '../registry/index.js';
const REGISTRY_DB = 'registry.sqlite';

export function registryPromoter(
  root: string,
  rawConfig: Record<string, unknown>,
): (req: PromoteRequest) => Promise<PromoteDecision> {
  return async (req) => {
    // Opening a registry creates one and resets stage links to it: never do that to a models
    // folder that has none (stages published by hand or by an older tabflow).
    if (!existsSync(join(root, REGISTRY_DB))) {
      throw new RegistryUnavailable(
        'registry_not_available',
        `No model registry in ${root} (${REGISTRY_DB} is missing): register runs with tabflow train first`,
      );
    }
    let mod: RegistryModule;
    try {
      mod = (await import(REGISTRY_MODULE)) as RegistryModule;
    } catch (e) {
      throw new RegistryUnavailable(
        'registry_not_available',
        `The model registry cannot be loaded (${(e as Error).message})`,
      );
    }
    const gate =
      rawConfig.registry !== undefined
        ? mod.gateConfigOf(mod.resolveRegistryConfig(rawConfig.registry))
        : undefined;
    const reg = mod.ModelRegistry.open(root);
    try {
      return await reg.promote(req.version, req.stage, {
        force: req.force,
        reason: req.reason,
        actor: req.actor,
        ...(gate ? { gate } : {}),
      });
    } finally {
      reg.close();
    }
  };
}
