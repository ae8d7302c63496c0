/** A/B experiments: experiment.json, arm assignment, and start / status / stop / conclude. */
export {
  type ArmStatus,
  type ConcludeOptions,
  type ConcludeOutcome,
  type ConcludeResult,
  concludeExperiment,
  type ExperimentStatus,
  experimentStatus,
  type ReadOptions,
  type StartExperimentOptions,
  startExperiment,
  stopExperiment,
} from './ab-service.js';
export { armScores } from './arm-scores.js';
export { type Arm, assignArm, keyFraction } from './assign.js';
export {
  type ArmRef,
  EXPERIMENT_FILE,
  type Experiment,
  experimentPath,
  readExperiment,
  removeExperiment,
  writeExperiment,
} from './experiment.js';
export {
  EXPERIMENT_PARAMS,
  type ExperimentConfig,
  productionStoppingRule,
  resolveExperimentConfig,
} from './experiment-config.js';
export {
  EXPERIMENT_META_KEY,
  type ExperimentRecord,
  experimentRecordOf,
  fileExperimentRecord,
  readRecord,
  registryExperimentRecord,
} from './experiment-record.js';
