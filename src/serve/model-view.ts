/**
 * What the routes derive from one served model, built once per model: its input columns, its
 * OpenAPI record schema, how responses name it, its own micro-batcher — one batcher per model,
 * so rows of two versions never share a predict call — and its own explain thread.
 */
import type { TSchema } from 'typebox';
import { ExplainThread } from './explain-thread.js';
import { MicroBatcher } from './micro-batcher.js';
import { modelFeatures } from './model-features.js';
import type { ServedModel } from './model-source.js';
import { recordSchema } from './openapi-schemas.js';
import type { ContractFeature } from './pipeline-port.js';

/** How every response names the model: `model` in /predict (and each row), /ready, /metadata. */
export interface ModelSummary {
  /**
   * The registered model name (`tabflow train --name`, default "default"): the release's
   * registry.json, else the run's metadata.json registration; null for a run saved without one.
   */
  name: string | null;
  /** The model family selected at training ("gbdt", "ridge", "ensemble"). */
  family: string;
  run_id: string;
  /** Registered version, null when the folder has no registry.json. */
  version: number | null;
  stage: string | null;
}

/** What the routes derive from one served model, built once per model. */
export interface ModelView {
  readonly served: ServedModel;
  readonly summary: ModelSummary;
  readonly features: ContractFeature[];
  readonly featureNames: ReadonlySet<string>;
  readonly featureOrder: string[];
  readonly record: TSchema;
  readonly batcher: MicroBatcher | null;
  /** Scores explain requests off the event loop; null when explaining in-thread. */
  readonly explainer: ExplainThread | null;
}

/** How views are built: micro-batching, explain threads. */
export interface ViewOptions {
  microBatch: boolean;
  /** Give models loaded from a folder an explain thread; told why a job fell back to in-thread. */
  explainThreads?: { onFallback: (reason: string) => void } | null;
}

/** The view of `served`. */
export function modelView(served: ServedModel, o: ViewOptions): ModelView {
  const { pipeline } = served;
  const features = modelFeatures(pipeline);
  return {
    served,
    summary: summarize(served),
    features,
    featureNames: new Set(features.map((f) => f.name)),
    featureOrder: features.map((f) => f.name),
    record: recordSchema(features),
    batcher: o.microBatch ? new MicroBatcher(pipeline) : null,
    explainer:
      o.explainThreads && served.dir !== null
        ? new ExplainThread(served.dir, pipeline, o.explainThreads.onFallback)
        : null,
  };
}

/** How responses name `served`. */
export function summarize(served: ServedModel): ModelSummary {
  const md = served.pipeline.metadata as {
    registration?: { name?: unknown };
    selected_model?: { kind?: unknown };
  } | null;
  const registered = md?.registration?.name;
  const kind = md?.selected_model?.kind;
  return {
    name: served.stamp?.name ?? (typeof registered === 'string' ? registered : null),
    family: typeof kind === 'string' ? kind : served.pipeline.modelName,
    run_id: served.pipeline.runId,
    version: served.version,
    stage: served.stage,
  };
}
