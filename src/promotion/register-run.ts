/**
 * What `tabflow train` does with a trained run once its files are built: write the run folder and
 * register it as the next version of the configured model, as one step under the registry's
 * write lock (a kill leaves a `.tmp-` folder or a complete run, both cleaned up by the next
 * open); move it into dev (`registry.stage_on_train`); and promote it to production when there is
 * none yet (`output.promote: if_none`) or always through the gate (`always`, --promote). A
 * registry or artifact store that cannot be reached (its server restarting) is waited for, step
 * by step, for `storage.wait_s`: the minutes of training before the save are not lost to it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type SavedRun, type SaveInput, saveArtifacts } from '../artifacts/save-artifacts.js';
import { TabflowError, UsageError } from '../core/errors.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { checkModelName, type Stage } from '../registry/names.js';
import type { RegistryConfig } from '../registry/registry-config.js';
import type { PublishedRun } from '../registry/run-publication.js';
import {
  isStoreUnavailable,
  type StoreWait,
  type StoreWaitOptions,
  waitForStore,
} from '../store/store-outage.js';
import { type PromotionDecision, promote } from './promote.js';

export type { StoreWait };

/** A saved run, registered, and what happened to production. */
export interface SaveResult extends Omit<SavedRun, 'files'> {
  /** Set when this run was published to models/production. */
  productionDir?: string;
  promoted: boolean;
  /** The registered model name and this run's version of it. */
  modelName: string;
  version: number;
  /** Stages this version entered (dev, production). */
  stages: Stage[];
  /** The production decision, when promotion was attempted (refused: `applied` false). */
  promotion?: PromotionDecision;
  /** Why the production gate could not be evaluated (the version stays registered). */
  promotionError?: string;
  /** Where the run was published (`storage.artifacts`), when it was. */
  published?: PublishedRun;
}

/** What `saveAndRegister` does besides writing and registering. */
export interface SaveAndRegisterOptions {
  /**
   * Publish the saved run folder to an artifact store (`publishRun` on the store of
   * `storage.artifacts`). It runs after registration and before any stage move, so a host that
   * follows a stage from the store never sees a version whose files are not there yet.
   */
  publish?: (runDir: string) => Promise<PublishedRun>;
  /**
   * A registry or artifact store that cannot be reached (a database server restarting): each
   * step (open, register, publish, each stage move) is tried again with a bounded back-off for
   * `seconds` (default 60, `storage.wait_s`), each wait reported to `onWait`, before the save
   * fails with `store_unavailable`. Every step is safe to run again: a retried registration
   * registers the folder its failed attempt wrote, a stage already moved is not moved twice.
   */
  storeWait?: StoreWaitOptions;
}

/** Save a trained run into `config.output.dir`, register it and move its stages (see above). */
export async function saveAndRegister(
  input: SaveInput & { config: { registry: RegistryConfig } },
  o: SaveAndRegisterOptions = {},
): Promise<SaveResult> {
  const { config } = input;
  const root = config.output.dir;
  const name = checkModelName(config.registry.name);
  const step = <T>(what: string, fn: (attempt: number) => Promise<T>) => waitForStore(what, fn, o.storeWait);
  const registry = await step('open the registry', () => ModelRegistry.open(root));
  try {
    // Refuse a second model name before writing anything.
    const held = registry.modelName;
    if (held !== null && held !== name) {
      throw new UsageError(
        'other_model',
        `${root} holds the registered model "${held}"; registering "${name}" there is not allowed: ` +
          `one models folder holds one model, so use another --models-dir (or --name ${held})`,
      );
    }
    let pending: { runDir: string; files: Record<string, string | Uint8Array> } | undefined;
    // saveArtifacts builds the files; the registry writes and registers them under its lock.
    const saved = saveArtifacts(input, {
      write: (runDir, files) => {
        pending = { runDir, files };
      },
    });
    const { runDir, files } = pending!;
    const tags = input.tags;
    // A failed attempt may have written the folder and lost its registration (rolled back, or
    // committed unheard): registering that folder is idempotent (a run registers once).
    const { version } = await step('register the run', (attempt) =>
      attempt > 1 && existsSync(runDir)
        ? registry.register(runDir, { name, tags })
        : registry.saveRun(runDir, files, { name, tags }),
    );
    const publish = o.publish;
    const published = publish ? await step('publish the run', () => publish(runDir)) : undefined;
    const stages: Stage[] = [];
    if (config.registry.stage_on_train === 'dev') {
      await step('move it into dev', async () => {
        if ((await registry.stageRow('dev'))?.version !== version) {
          await promote(registry, version, 'dev', { reason: 'trained' });
        }
      });
      stages.push('dev');
    }
    const { promotion, promotionError } = await step('move it into production', () =>
      promoteTrained(registry, version, config.output.promote),
    );
    const promoted = promotion?.applied === true;
    if (promoted) stages.push('production');
    return {
      runId: saved.runId,
      runDir: saved.runDir,
      productionDir: promoted ? registry.stageDir('production') : undefined,
      promoted,
      modelName: name,
      version,
      stages,
      promotion,
      promotionError,
      ...(published ? { published } : {}),
      results: saved.results,
      metadata: saved.metadata,
    };
  } finally {
    await registry.close();
  }
}

/** `output.promote`: never; if_none (no production yet); always (through the gate). */
async function promoteTrained(
  registry: ModelRegistry,
  version: number,
  mode: 'never' | 'if_none' | 'always',
): Promise<{ promotion?: PromotionDecision; promotionError?: string }> {
  // A retried step whose first attempt moved it (committed, unheard): that move is the decision.
  const moved = await movedBy(registry, version, 'production');
  if (moved) return { promotion: moved };
  // if_none: a production folder published before the registry existed counts as one.
  const none = !(await registry.stageVersion('production')) && !existsSync(join(registry.root, 'production'));
  if (!(mode === 'always' || (mode === 'if_none' && none))) return {};
  try {
    return {
      promotion: await promote(registry, version, 'production', {
        reason: mode === 'always' ? 'tabflow train --promote' : 'first production version',
      }),
    };
  } catch (e) {
    // The gate could not run (data changed, ...): the version stays registered, unpromoted. A
    // store that cannot be reached is not the gate's answer: the step waits for it instead.
    if (!(e instanceof TabflowError) || isStoreUnavailable(e)) throw e;
    return { promotionError: e.message };
  }
}

/** The recorded move of `version` into `stage` when the stage holds it now; else null. */
async function movedBy(reg: ModelRegistry, version: number, stage: Stage): Promise<PromotionDecision | null> {
  if ((await reg.stageRow(stage))?.version !== version) return null;
  const ev = (await reg.history({ stage }))
    .filter((e) => e.type === 'promote' && e.version === version)
    .at(-1);
  if (!ev) return null;
  return {
    ...((ev.details ?? {}) as Partial<PromotionDecision>),
    decision: ev.decision as PromotionDecision['decision'],
    applied: true,
    stage,
    version,
    from_version: ev.from_version,
    reason: ev.reason,
    actor: ev.actor ?? '',
    event_id: ev.id,
  };
}
