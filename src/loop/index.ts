/** The production loop: monitoring from the prediction log, and retrain → gate → A/B or promote. */

export {
  type Alarm,
  type MonitoredModel,
  type MonitoredWindow,
  type MonitoringResult,
  type MonitorQuery,
  monitoredModelOf,
  monitorWindow,
  PROFILE_FILE,
  runMonitoring,
  type VersionLive,
  type WindowRow,
} from './monitoring.js';
export {
  MONITORING_PARAMS,
  type MonitoringConfig,
  resolveMonitoringConfig,
} from './monitoring-config.js';
export { type RetrainAction, type RetrainOptions, type RetrainResult, retrain } from './retrain.js';
export { RETRAIN_PARAMS, type RetrainConfig, resolveRetrainConfig } from './retrain-config.js';
export { buildRetrainData, type RetrainDataReport } from './retrain-data.js';
