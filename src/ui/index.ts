/** The web UI: runs, a run, comparisons — pages over a models folder, and their JSON API. */
export {
  COMPARE_MAX,
  COMPARE_MIN,
  type Comparison,
  compareRuns,
  type DiffRow,
  flatten,
} from './compare-runs.js';
export { buildRunDetail, type RunDetail } from './run-detail.js';
export { RUN_SORT_KEYS, RunIndex, type RunPage, type RunQuery, type RunSortKey } from './run-index.js';
export { type RunSummary, readRunSummary } from './run-summary.js';
export { type FormField, type PredictForm, StagePredictor } from './stage-predictor.js';
export { type RunningUi, type StartUiOptions, startUi } from './start-ui.js';
export { type UiPluginOptions, uiPlugin } from './ui-plugin.js';
export { loadWebAssets, WEB_DIR, type WebAsset } from './web-assets.js';
