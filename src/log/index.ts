/** The prediction log: every served prediction, through a PredictionStore (SQLite by default). */
export { EXPORT_FORMATS, exportLog } from './export-log.js';
export {
  LOG_DURABILITY,
  LOG_PARAMS,
  type LogConfig,
  type LogDurability,
  resolveLogConfig,
} from './log-config.js';
export type { LoggedPrediction } from './log-schema.js';
export {
  type LogIssue,
  LogWriteError,
  PredictionLog,
  type PredictionLogEntry,
  type PredictionLogOptions,
} from './prediction-log.js';
export {
  type LogQuery,
  type LogRecord,
  type LogSummary,
  openLogForReading,
  parseSince,
  readLog,
  summarizeLog,
} from './read-log.js';
