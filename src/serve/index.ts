/** The HTTP service: fastify around one loaded model, with a prediction log. */
export { followPrimary, runWorkers, SHUTDOWN_MESSAGE } from './cluster-primary.js';
export { createServer, type ServerOptions } from './create-server.js';
export { defaultLogPath, LOG_FILE } from './default-log-path.js';
export { errorResponse } from './error-response.js';
export type {
  ContractFeature,
  ModelPipeline,
  PredictOptions,
  RowIssue,
  RowPrediction,
} from './pipeline-port.js';
export { RequestError } from './request-error.js';
export { closeOnSignals, type ShutdownOptions } from './shutdown.js';
