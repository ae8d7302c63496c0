/** The HTTP service: fastify around a model source (fixed, or a followed stage), with a prediction log. */

export { type BearerVerdict, bearerChecker } from '../core/bearer-auth.js';
export { errorResponse } from '../core/error-response.js';
export { defaultLogPath, LOG_FILE } from '../log/default-log-path.js';
export {
  followPrimary,
  type PrimaryLink,
  RELOAD_MESSAGE,
  runWorkers,
  SHUTDOWN_MESSAGE,
} from './cluster-primary.js';
export { createServer, type ServerOptions, serverIdle } from './create-server.js';
export {
  type ActiveExperiment,
  type ExperimentCheck,
  type ExperimentCounters,
  ExperimentFollower,
  type ExperimentFollowOptions,
  type ExperimentSource,
} from './experiment-follower.js';
export { ExplainThread } from './explain-thread.js';
export {
  fixedModel,
  type ModelSource,
  type ReloadCounters,
  type ReloadResult,
  type ReloadStatus,
  type ServedModel,
} from './model-source.js';
export { type ModelSummary, summarize } from './model-view.js';
export type {
  ContractFeature,
  ModelPipeline,
  PredictOptions,
  RowIssue,
  RowPrediction,
} from './pipeline-port.js';
export { RequestError } from './request-error.js';
export {
  ADMIN_STAGES,
  type AdminOptions,
  type PromoteDecision,
  type PromoteRequest,
} from './routes/admin.js';
export { closeOnSignals, type ShutdownOptions, type SignalWatch, watchSignals } from './shutdown.js';
export { type FollowOptions, type SourceLogger, StageFollower } from './stage-follower.js';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.js';
