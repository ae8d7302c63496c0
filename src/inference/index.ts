/** Production inference: data contract, validation policy, conformal intervals, batch and record predictions. */
export {
  type CalibrationJson,
  calibrateIntervals,
  conformalQuantile,
  type IntervalMode,
  type IntervalQuality,
  Intervals,
} from './conformal.js';
export {
  CONTRACT_QUANTILES,
  type ContractFeature,
  contractFromFeatures,
  type DataContract,
  trainQuantiles,
} from './contract.js';
export {
  type BatchPrediction,
  type FrameOptions,
  InferencePipeline,
  type LoadOptions as InferenceLoadOptions,
  type PredictionResult,
  type PredictOptions,
} from './inference-pipeline.js';
export { type ContractIssue, emptySummary, mergeSummaries, type ValidationSummary } from './issues.js';
export {
  DEFAULT_POLICY,
  INFERENCE_PARAMS,
  type InferenceConfig,
  ISSUE_CODES,
  type IssueCode,
  type PolicyAction,
  policyFromConfig,
  resolveInferenceConfig,
  resolvePolicy,
  type ValidationPolicy,
} from './params.js';
