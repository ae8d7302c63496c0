/**
 * The slice of the config a training run reads — data, cleaning, split, preprocessing, models,
 * the `training` section (seed, threads, budgets), selection, output, inference (intervals) and
 * registry (the name it registers under) — and the `training` section itself. The training
 * pipeline and retraining take this slice; `config/` composes it with the serving and loop
 * sections into the whole config.
 */
import { type OutputConfig, resolveOutputConfig } from '../artifacts/output-config.js';
import { type CleanConfig, resolveCleanConfig } from '../clean/data-cleaner.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { resolveSections, type SectionResolvers } from '../core/sections.js';
import { type DataConfig, resolveDataConfig } from '../data/data-config.js';
import { type InferenceConfig, resolveInferenceConfig } from '../inference/params.js';
import { type PreprocessConfig, resolvePreprocessConfig } from '../preprocess/index.js';
import { type RegistryConfig, resolveRegistryConfig } from '../registry/registry-config.js';
import { resolveSplitConfig, type SplitConfig } from '../split/data-splitter.js';
import { type CandidateSpec, resolveCandidates } from './candidates.js';
import { resolveSelectionConfig, type SelectionConfig } from './selection-config.js';

/** The `training` section's parameters: the seed, the time budgets and the thread count. */
export const TRAINING_PARAMS = {
  seed: {
    type: 'number',
    default: 42,
    integer: true,
    min: 0,
    doc: 'seed of every random step (split, models)',
  },
  candidate_time_budget_s: {
    type: 'number?',
    default: 900,
    min: 0,
    doc: 'seconds one candidate may train before it is stopped (boosting keeps its trees) or failed',
  },
  time_budget_s: {
    type: 'number?',
    default: null,
    min: 0,
    doc: 'seconds for all candidates together; candidates not started in time are recorded as skipped',
  },
  threads: {
    type: 'number?',
    default: null,
    integer: true,
    min: 1,
    doc: 'worker threads for parallel models; null = all cores',
  },
  train_metrics_rows: {
    type: 'number?',
    default: 10000,
    integer: true,
    min: 1,
    doc: 'train-split metrics on a seeded sample of at most this many rows (null = all train rows)',
  },
} as const satisfies ParamTable;

/** The resolved `training` section. */
export type TrainingParams = ParamsOf<typeof TRAINING_PARAMS>;

/** The sections a training run reads, resolved: what `TrainingPipeline` and `retrain` take. */
export interface TrainingConfig {
  data: DataConfig;
  cleaning: CleanConfig;
  split: SplitConfig;
  preprocessing: PreprocessConfig;
  models: CandidateSpec[];
  training: TrainingParams;
  selection: SelectionConfig;
  output: OutputConfig;
  inference: InferenceConfig;
  registry: RegistryConfig;
}

/**
 * The resolver of each section of {@link TrainingConfig}, in config order (the order a run's
 * config.yaml lists them).
 */
export const TRAINING_SECTIONS: SectionResolvers<TrainingConfig> = {
  data: resolveDataConfig,
  cleaning: resolveCleanConfig,
  split: resolveSplitConfig,
  preprocessing: resolvePreprocessConfig,
  models: resolveCandidates,
  training: (raw, path) => resolveParams(TRAINING_PARAMS, raw, path),
  selection: resolveSelectionConfig,
  output: resolveOutputConfig,
  inference: resolveInferenceConfig,
  registry: resolveRegistryConfig,
};

/**
 * The training slice of a raw config mapping (a run's saved config.yaml): each section defaulted
 * and checked, every problem reported as one ConfigError; other sections are not looked at.
 */
export function resolveTrainingConfig(raw: Record<string, unknown>): TrainingConfig {
  return resolveSections(raw, TRAINING_SECTIONS);
}
