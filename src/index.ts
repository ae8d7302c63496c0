/**
 * tabflow's public API. The folders follow the seed's data flow:
 *   data (DataLoader) → clean (DataCleaner) → split (DataSplitter) → preprocess
 *   (ProductionPreprocessor) → models (Regressor families) → train (ModelTrainer,
 *   TrainingPipeline) → metrics → artifacts (save / load one run's files together).
 */
export * from './core/errors.js';
export { type Matrix, matrix, fromRows, takeRows, column, row } from './core/matrix.js';
export { Rng } from './core/random.js';
export type { Serialized } from './core/codec.js';
export { type ParamSpec, type ParamTable, resolveParams, describeParams } from './core/params.js';

export * from './data/frame.js';
export * from './data/index.js';
export {
  CLEAN_PARAMS,
  type CleanConfig,
  DEFAULT_MISSING_TOKENS as CLEAN_MISSING_TOKENS,
  defaultCleanConfig,
  resolveCleanConfig,
  type CleaningReport,
  type ColumnChanges,
  type TypeFix,
  DataCleaner,
  duplicateMask,
} from './clean/index.js';
export * from './split/index.js';
export * from './preprocess/index.js';

import './models/index.js';
export type { FeatureInfo, FitContext, FittedRegressor, InputEncoding, Regressor } from './models/regressor.js';
export { type ModelFamily, createModel, getFamily, loadModel, modelKinds, registerModel } from './models/registry.js';

export * from './metrics/regression.js';

export { type TabflowConfig, resolveConfig, readConfigFile, configToYaml } from './config/config.js';
export { configTemplate } from './config/template.js';
export { type CandidateSpec, resolveCandidates, defaultCandidates } from './train/candidates.js';
export {
  ModelTrainer,
  type CandidateResult,
  type PreparedData,
  type TrainedCandidate,
  importanceBySource,
} from './train/model-trainer.js';
export { TrainingPipeline, type PipelineEvent, type RunSummary, type Stage } from './train/training-pipeline.js';

export { saveArtifacts } from './artifacts/save-artifacts.js';
export { loadArtifacts, type RunArtifacts } from './artifacts/load-artifacts.js';
export type { MetadataJson, ResultsJson } from './artifacts/run-artifacts.js';
export { publishProduction, hasProduction } from './artifacts/production.js';

export * from './inference/index.js';
export {
  DEFAULT_BACKGROUND_ROWS,
  type Explanation,
  type ExplainMethod,
  type ExplainOptions,
  explain,
  explainInputs,
  explainMethod,
  foldToInputs,
  type InputExplanation,
  needsBackground,
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
  pickBackground,
} from './explain/index.js';
export {
  closeOnSignals,
  createServer,
  defaultLogPath,
  type ModelPipeline,
  type RowPrediction,
  type ServerOptions,
} from './serve/index.js';
export {
  exportLog,
  type LogQuery,
  type LogRecord,
  openLogForReading,
  PredictionLog,
  type PredictionLogEntry,
  parseSince,
  readLog,
  summarizeLog,
} from './log/index.js';
export { VERSION } from './version.js';
