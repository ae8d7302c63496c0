/**
 * tabflow's public API: what a user of the library needs, following the seed's data flow
 *   config → data (DataLoader) → clean → split → preprocess → models → TrainingPipeline
 *   → artifacts → InferencePipeline → registry, serving, prediction log, monitoring, A/B, retrain.
 * Building blocks behind it (statistics, stage internals, storage classes, fault injection) are in
 * `tabflow/internal`, without a stability promise.
 */

import './models/index.js';

// Artifacts of a run.
export { loadArtifacts, type RunArtifacts } from './artifacts/load-artifacts.js';
export type { MetadataJson, ResultsJson } from './artifacts/run-folder.js';
// Data and the stages that work on their own.
export { type CleaningReport, DataCleaner } from './clean/index.js';
// Configuration: typed input, run-time check, template.
export {
  configToYaml,
  readConfigFile,
  resolveConfig,
  resolveConfigUnknown,
  type TabflowConfig,
} from './config/config.js';
export type {
  CandidateInput,
  CandidateKind,
  ConfigSectionsInput,
  ParamInput,
  ParamsInput,
  TabflowConfigInput,
} from './config/config-input.js';
export { ENVIRONMENTS, type Environment } from './config/environments.js';
export { configTemplate } from './config/template.js';
// Errors: every one a TabflowError with a catalogued code, exit code and HTTP status.
export * from './core/error-codes.js';
export * from './core/errors.js';
// Models: the families, and the interface a custom family implements.
export { type Matrix, matrix } from './core/matrix.js';
export type { ParamSpec, ParamTable } from './core/params.js';
export { type ColumnType, Frame } from './data/frame.js';
export { frameFromRecords, type RecordsOptions } from './data/from-records.js';
export {
  type ColumnReport,
  DataLoader,
  type LoadedData,
  type LoadOptions,
  type LoadReport,
} from './data/loader.js';
// Monitoring, A/B tests, retraining.
export {
  concludeExperiment,
  type ExperimentStatus,
  experimentStatus,
  startExperiment,
  stopExperiment,
} from './experiment/index.js';
// Inference.
export type { Explanation } from './explain/index.js';
export {
  type BatchPrediction,
  type ContractIssue,
  type FrameOptions,
  InferencePipeline,
  type PredictionResult,
  type PredictOptions,
} from './inference/index.js';
export { type PredictFileOptions, type PredictFileResult, predictFile } from './inference/predict-file.js';
export { type FeedbackItem, FeedbackStore } from './log/feedback.js';
export {
  exportLog,
  type LogQuery,
  type LogRecord,
  type LogSummary,
  openLogForReading,
  PredictionLog,
  type PredictionLogEntry,
  readLog,
  summarizeLog,
} from './log/index.js';
export {
  type MonitoringResult,
  monitoredModelOf,
  type RetrainOptions,
  type RetrainResult,
  resolveMonitoringConfig,
  retrain,
  runMonitoring,
} from './loop/index.js';
export { type MetricName, mae, r2, rmse } from './metrics/regression.js';
export {
  createModel,
  getFamily,
  loadModel,
  type ModelFamily,
  modelKinds,
  registerFamily,
  registerModel,
} from './models/families.js';
export type { FitContext, FittedRegressor, InputEncoding, Regressor } from './models/regressor.js';
export { FittedPreprocessor, ProductionPreprocessor } from './preprocess/index.js';
// Promotion: the production gate and the one way to move a stage.
export { type GateResult, type PromoteOptions, type PromotionDecision, promote } from './promotion/index.js';
export type { SaveResult } from './promotion/register-run.js';
// Distributed training: fit jobs on `tabflow worker` processes through a Redis queue.
export {
  DEFAULT_QUEUE_NAME,
  describeProgress,
  type FitWorker,
  type FitWorkerOptions,
  openQueueRunner,
  type QueueProgress,
  type QueueRunner,
  type QueueRunnerOptions,
  startFitWorker,
  type WorkerCounts,
  type WorkerJobEvent,
} from './queue/index.js';
// Registry: versions, stages, history.
export {
  ModelRegistry,
  type RegistryEvent,
  STAGES,
  type Stage as RegistryStage,
  type VersionRecord,
} from './registry/index.js';
// Reports.
export { monitoringHtml } from './report/monitor-html.js';
export { runReportHtml } from './report/run-html.js';
export { buildRunReport, type RunReport } from './report/run-report.js';
// Serving and the prediction log: `startServer` is `tabflow serve` from code, `createServer` the
// fastify instance around sources you open yourself.
export {
  closeOnSignals,
  createServer,
  type ServerOptions,
  type StartServerOptions,
  startServer,
} from './serve/index.js';
export { DataSplitter, type SplitReport, type SplitResult } from './split/index.js';
// Storage: the registry and the prediction log behind async interfaces, chosen by URI.
export {
  type OpenStoresOptions,
  openStores,
  type PredictionStore,
  type RegistryStore,
  STORAGE_ENV,
  type StorageConfig,
  type StorageSetting,
  type Stores,
  type StoreUris,
  type StoreWait,
  useStorage,
} from './store/index.js';
// Training.
export type { CandidateSpec } from './train/candidates.js';
export type { FitJob, FitOutcome, FitResult } from './train/cv/fit-job.js';
export type { JobRunner } from './train/cv/job-runner.js';
export type { CandidateResult, TrainedCandidate } from './train/model-trainer.js';
export type { TrainingConfig, TrainingParams } from './train/training-config.js';
export type {
  InMemoryFormat,
  TrainingColumns,
  TrainingData,
  TrainingRecords,
} from './train/training-data.js';
export {
  type PipelineEvent,
  type PipelineOptions,
  type PipelineStage,
  type RunSummary,
  TrainingPipeline,
} from './train/training-pipeline.js';

export { VERSION } from './version.js';
