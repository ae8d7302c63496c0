/**
 * The models page's view of the registry: versions, stages, aliases and history to read, and the
 * two moves a person makes from the page — promote (the gate previewed first, then confirmed) and
 * roll back. The registry is opened per call (open-registry.ts).
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import {
  type GateConfig,
  type PromotionDecision,
  type PromotionPreview,
  previewPromotion,
  promote,
} from '../promotion/index.js';
import type { ModelRegistry } from '../registry/index.js';
import { checkStage, STAGES, type Stage } from '../registry/names.js';
import type { StageMove } from '../registry/records.js';
import type { ModelsOverview, VersionRow } from './api-types.js';
import { withRegistry } from './open-registry.js';

export type { ModelsOverview, VersionRow };

/** A preview kept for its confirmation: the gate's evaluation is reused, not run again. */
interface KeptPreview extends PromotionPreview {
  at: number;
}

const PREVIEW_TTL_MS = 10 * 60_000;

/** Reads and moves the registry of `root` for the UI. */
export class RegistryView {
  private readonly previews = new Map<string, KeptPreview>();

  constructor(
    private readonly root: string,
    private readonly o: { gate?: GateConfig; writable: boolean },
  ) {}

  /** Versions, stages, aliases and the latest `historyLimit` events. */
  async overview(historyLimit = 100): Promise<ModelsOverview> {
    return this.withRegistry(async (reg) => ({
      name: reg.modelName,
      versions: (await reg.list()).map((v) => ({
        version: v.version,
        run_id: v.run_id,
        registered_at: v.registered_at,
        actor: v.actor,
        family: v.model_kind,
        model: v.model_name,
        test: v.metrics.test ?? null,
        stages: v.stages,
        aliases: v.aliases,
        data_file: v.data_file ?? null,
        tags: v.tags,
      })),
      stages: await Promise.all(
        STAGES.map(async (stage) => {
          const row = await reg.stageRow(stage);
          return { stage, version: row?.version ?? null, since: row?.since ?? null };
        }),
      ),
      history: await reg.history({ limit: historyLimit }),
      writable: this.o.writable,
    }));
  }

  /** The gate's numbers for moving `version` into `stage`, kept for its confirmation under `preview_id`. */
  async preview(version: number, stage: string): Promise<PromotionPreview & { preview_id: string }> {
    const st = checkStage(stage as Stage);
    const p = await this.withRegistry((reg) => previewPromotion(reg, version, st, this.gateOption()));
    this.dropOld();
    const id = randomUUID();
    this.previews.set(id, { ...p, at: Date.now() });
    return { ...p, preview_id: id };
  }

  /**
   * Moves `version` into `stage`. With the `preview_id` of a preview of the same move, against the
   * same holder, its gate evaluation decides; otherwise the gate runs now.
   */
  async promote(
    version: number,
    stage: string,
    o: { preview_id?: string; force?: boolean; reason?: string; actor?: string },
  ): Promise<PromotionDecision> {
    const st = checkStage(stage as Stage);
    const kept = o.preview_id ? this.previews.get(o.preview_id) : undefined;
    if (o.preview_id && !kept) {
      throw new UsageError(
        'preview_expired',
        'preview_id is unknown or expired: preview the promotion again',
      );
    }
    if (kept && (kept.version !== version || kept.stage !== st)) {
      throw new UsageError(
        'preview_mismatch',
        `preview_id previewed v${kept.version} → ${kept.stage}, not v${version} → ${st}`,
      );
    }
    const evaluated =
      kept?.gate && kept.incumbent !== null ? { incumbent: kept.incumbent, gate: kept.gate } : undefined;
    const out = await this.withRegistry((reg) =>
      promote(reg, version, st, {
        ...this.gateOption(),
        evaluated,
        force: o.force,
        reason: o.reason,
        actor: o.actor,
      }),
    );
    if (o.preview_id) this.previews.delete(o.preview_id);
    return out;
  }

  /** Moves `stage` back to the version that held it before. */
  async rollback(stage: string, o: { reason?: string; actor?: string }): Promise<StageMove> {
    const st = checkStage(stage as Stage);
    return this.withRegistry((reg) => reg.rollback(st, o));
  }

  private gateOption(): { gate?: GateConfig } {
    return this.o.gate ? { gate: this.o.gate } : {};
  }

  private dropOld(): void {
    const now = Date.now();
    for (const [id, p] of this.previews) if (now - p.at > PREVIEW_TTL_MS) this.previews.delete(id);
  }

  private withRegistry<T>(fn: (reg: ModelRegistry) => T | Promise<T>): Promise<T> {
    return withRegistry(this.root, fn);
  }
}
