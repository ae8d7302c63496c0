/**
 * The config a retrain starts from: the production run's config.yaml, with the sections retraining
 * reads resolved (the training slice and `retrain`) and every other section (serve, log,
 * monitoring, …) carried forward as the run recorded it, so the challenger's config.yaml keeps the
 * champion's settings for the stages that come after training.
 */
import { readRunConfig } from '../artifacts/run-config.js';
import { resolveSections } from '../core/sections.js';
import { TRAINING_SECTIONS, type TrainingConfig } from '../train/training-config.js';
import { type RetrainConfig, resolveRetrainConfig } from './retrain-config.js';

/** The champion's config as retraining reads it: the training slice and the `retrain` section. */
export type ChampionConfig = TrainingConfig & { retrain: RetrainConfig };

/** The {@link ChampionConfig} of the run folder `runPath` (its other sections carried as saved). */
export function readChampionConfig(runPath: string): ChampionConfig {
  const raw = readRunConfig(runPath);
  // Spread over the raw mapping, the resolved sections keep their places in config.yaml's order.
  return { ...raw, ...resolveSections(raw, { ...TRAINING_SECTIONS, retrain: resolveRetrainConfig }) };
}
