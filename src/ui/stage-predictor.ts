/**
 * The "try a prediction" page's model: the pipeline a stage of the models folder points to, loaded
 * (and verified) once per release and loaded again when a promotion moves the stage. It answers
 * the form's questions — what inputs, of what type and range, with which defaults — and predicts
 * one record with its interval and attributions. Nothing is logged: this is a person trying the
 * model, not traffic.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { InferencePipeline, type PredictionResult } from '../inference/inference-pipeline.js';
import { STAGES, type Stage } from '../registry/names.js';
import type { FormField, PredictForm } from './api-types.js';
import { contractField } from './contract-field.js';

export type { FormField, PredictForm };

/** Loads and caches the pipeline of each stage of `modelsDir`. */
export class StagePredictor {
  private readonly loaded = new Map<Stage, { real: string; pipeline: InferencePipeline }>();

  constructor(private readonly modelsDir: string) {}

  /** Stages that hold a model now. */
  stages(): Stage[] {
    return STAGES.filter((s) => existsSync(join(this.modelsDir, s, 'metadata.json')));
  }

  /** The form for `stage`. */
  form(stage: string): PredictForm {
    const p = this.pipeline(stage);
    const meta = p.metadata;
    return {
      stage,
      run_id: p.runId,
      model: meta.selected_model.name,
      target: meta.target.name,
      stages: this.stages(),
      fields: meta.features.map((f) => ({
        ...contractField(f),
        categories: f.categories ?? null,
        default: defaultOf(f),
      })),
      intervals: p.intervals !== null,
      attributions: p.canExplain,
    };
  }

  /** Predicts `record` with the model of `stage`, with interval and attributions when it has them. */
  predict(stage: string, record: unknown): PredictionResult {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new UsageError('bad_record', `record must be an object of input values; got ${describe(record)}`);
    }
    const p = this.pipeline(stage);
    const [r] = p.predict([record as Record<string, unknown>], { interval: true, explain: p.canExplain });
    return r;
  }

  private pipeline(stage: string): InferencePipeline {
    if (!(STAGES as readonly string[]).includes(stage)) {
      throw new UsageError(
        'bad_stage',
        `stage must be one of ${STAGES.join(', ')}; got ${JSON.stringify(stage)}`,
      );
    }
    const link = join(this.modelsDir, stage);
    if (!existsSync(join(link, 'metadata.json'))) {
      throw new UsageError(
        'no_model',
        `Stage ${stage} holds no model in this models folder (promote one first)`,
      );
    }
    // The stage link resolved once: a promotion in between loads the new release next time.
    const real = realpathSync(link);
    const cached = this.loaded.get(stage as Stage);
    if (cached?.real === real) return cached.pipeline;
    const pipeline = InferencePipeline.load(real);
    this.loaded.set(stage as Stage, { real, pipeline });
    return pipeline;
  }
}

function defaultOf(f: {
  type: string;
  categories?: string[];
  quantiles?: unknown;
  min?: unknown;
}): number | string | null {
  if (f.categories?.length) return f.categories[0];
  const median = (f.quantiles as Record<string, number> | undefined)?.['0.5'];
  if (typeof median === 'number' && Number.isFinite(median)) return median;
  return typeof f.min === 'number' ? f.min : null;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v;
}
