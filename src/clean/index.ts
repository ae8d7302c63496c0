export {
  CLEAN_PARAMS,
  CLEAN_STRUCTURED_DOCS,
  type CleanConfig,
  DEFAULT_MISSING_TOKENS,
  defaultCleanConfig,
  resolveCleanConfig,
} from './clean-config.js';
export type { CleaningReport, ColumnChanges, TypeFix } from './cleaning-report.js';
export { DataCleaner } from './data-cleaner.js';
export { duplicateMask } from './duplicate-rows.js';
