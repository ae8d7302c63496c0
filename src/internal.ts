/**
 * `tabflow/internal`: every building block behind the public API (src/index.ts), for tests,
 * benchmarks and advanced use: stage internals, statistics (`betaInc`, `ksTest`, ...), fault
 * injection (`FAULT_STEPS`), storage classes. No stability promise: names here may change in any
 * release. Everything public is re-exported here too, so one import can reach both.
 */

export {
  CLEAN_PARAMS,
  type CleanConfig,
  type CleaningReport,
  type ColumnChanges,
  DataCleaner,
  DEFAULT_MISSING_TOKENS as CLEAN_MISSING_TOKENS,
  defaultCleanConfig,
  duplicateMask,
  resolveCleanConfig,
  type TypeFix,
} from './clean/index.js';
export type { Serialized } from './core/codec.js';
export * from './core/errors.js';
export { column, fromRows, type Matrix, matrix, row, takeRows } from './core/matrix.js';
export { describeParams, type ParamSpec, type ParamTable, resolveParams } from './core/params.js';
export { Rng } from './core/random.js';
export * from './data/frame.js';
export * from './data/index.js';
export * from './index.js';
export * from './preprocess/index.js';
export * from './split/index.js';

import './models/index.js';

export { loadArtifacts, type RunArtifacts } from './artifacts/load-artifacts.js';
export type { MetadataJson, ResultsJson } from './artifacts/run-folder.js';
export { saveArtifacts } from './artifacts/save-artifacts.js';
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
export {
  applyEnvironment,
  ENVIRONMENTS,
  type Environment,
  selectedEnvironment,
} from './config/environments.js';
export { configTemplate } from './config/template.js';
export * from './experiment/index.js';
export {
  DEFAULT_BACKGROUND_ROWS,
  type ExplainMethod,
  type ExplainOptions,
  type Explanation,
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
export * from './inference/index.js';
export {
  exportLog,
  type LogDurability,
  type LogQuery,
  type LogRecord,
  LogWriteError,
  openLogForReading,
  PredictionLog,
  type PredictionLogEntry,
  type PredictionLogOptions,
  parseSince,
  readLog,
  summarizeLog,
} from './log/index.js';
export * from './loop/index.js';
export * from './metrics/regression.js';
export {
  type BuildEnsembleOptions,
  blendPredictions,
  type EnsembleMember,
  expandedFeatures,
  expandOnehot,
  FittedEnsemble,
  type GreedySelection,
  type GreedySelectionOptions,
  greedyEnsembleSelection,
  type OnehotLayout,
  onehotLayout,
} from './models/ensemble/index.js';
export {
  createModel,
  getFamily,
  loadModel,
  type ModelFamily,
  modelKinds,
  registerFamily,
  registerModel,
} from './models/families.js';
export type {
  FeatureInfo,
  FitContext,
  FittedRegressor,
  InputEncoding,
  Regressor,
} from './models/regressor.js';
export * from './monitor/index.js';
export {
  describeGate,
  evaluateGate,
  GATE_CHANNEL,
  type GateConfig,
  type GateResult,
  gateConfigOf,
  type PromoteOptions,
  type PromotionDecision,
  promote,
  type RunAccess,
  type SaveResult,
  saveAndRegister,
  storeRunAccess,
} from './promotion/index.js';
export {
  checkAlias,
  checkModelName,
  type Decision as PromotionOutcome,
  FAULT_STEPS,
  isStage,
  ModelRegistry,
  type NewEvent,
  type NewVersion,
  parseRef,
  REGISTRY_DB_FILE,
  REGISTRY_STAMP_FILE,
  type RegistryConfig,
  type RegistryEvent,
  type RegistryStamp,
  type RegistryStore,
  readRegistryStamp,
  STAGES,
  type Stage as RegistryStage,
  type StageMove,
  type StageRow,
  type StoredVersion,
  type VersionDiff,
  type VersionRecord,
} from './registry/index.js';
export {
  dataRef,
  materialiseRunData,
  type PublishedData,
  publishRunData,
} from './registry/run-data.js';
export {
  cachedReleaseDir,
  materialiseRelease,
  materialiseRun,
  type PublishedRun,
  type PublishedVersion,
  publishRun,
  runManifest,
  runRef,
} from './registry/run-publication.js';
// tabflow storage migrate (issue 13): a project's stores and runs copied to another storage, verified.
export {
  type MigrateOptions,
  type MigrationProgress,
  type MigrationReport,
  type MigrationSource,
  type MigrationTarget,
  migrateStorage,
  type Verification,
  verifyMigration,
} from './registry/storage-migration/index.js';
export { monitoringHtml } from './report/monitor-html.js';
export { runReportHtml } from './report/run-html.js';
export { buildRunReport, type RunReport } from './report/run-report.js';
export {
  closeOnSignals,
  createServer,
  defaultLogPath,
  type ModelPipeline,
  type RowPrediction,
  type RunningServer,
  type ServerOptions,
  type StartServerOptions,
  startServer,
} from './serve/index.js';
export type { StoreServing } from './serve/store-source.js';
// The artifact store (issue 13): blobs by sha256, manifests, publish and materialise a run.
export * from './store/artifacts/index.js';
export {
  type BackendOptions,
  configuredStore,
  DEFAULT_STORE_WAIT_S,
  isStoreUnavailable,
  type JoinedFeedback,
  type JoinQuery,
  type LabelledRow,
  type LoggedFeedback,
  type LogSummary,
  logStoreOf,
  type NewFeedback,
  type NewPrediction,
  type OpenStoresOptions,
  openRegistryForRebuild,
  openStores,
  type PredictionAccess,
  type PredictionStore,
  parseStoreUri,
  pathOrUri,
  resolveStorageConfig,
  STORAGE_ENV,
  STORAGE_PARAMS,
  STORE_SCHEMES,
  type StorageConfig,
  type StorageSetting,
  type StoreBackend,
  type StoreScheme,
  type Stores,
  type StoreUri,
  type StoreUris,
  type StoreWait,
  type StoreWaitOptions,
  storeExists,
  storeUriOf,
  useStorage,
  waitForStore,
} from './store/index.js';
export {
  type PostgresPredictionOptions,
  PostgresPredictionStore,
  PostgresRegistryStore,
  type PostgresStoreOptions,
} from './store/postgres/index.js';
export {
  type SqlitePredictionOptions,
  SqlitePredictionStore,
  SqliteRegistryStore,
  type SqliteStoreOptions,
} from './store/sqlite/index.js';
export { type CandidateSpec, defaultCandidates, resolveCandidates } from './train/candidates.js';
export { type Fold, type FoldOptions, kFolds } from './train/cv/folds.js';
export {
  type CandidateResult,
  type CvScore,
  importanceBySource,
  ModelTrainer,
  type PreparedData,
  type TrainedCandidate,
} from './train/model-trainer.js';
export { SELECTION_PARAMS, type SelectionConfig } from './train/selection-config.js';
export type { MethodChoice } from './train/selection-method.js';
export type { SelectionWarning } from './train/selection-warnings.js';
export {
  type PipelineEvent,
  type PipelineStage,
  type RunSummary,
  TrainingPipeline,
} from './train/training-pipeline.js';
export { VERSION } from './version.js';
