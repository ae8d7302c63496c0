/** Stage 4 of the training flow: preprocessing fitted on TRAIN only, applied to everything else. */
export type { InputColumn } from './align-input.js';
export type { CategoricalState } from './categorical-step.js';
export { DATETIME_PARTS, type DatetimePart } from './datetime-parts.js';
export type { FeatureSchema } from './feature-schema.js';
export { FittedPreprocessor, loadPreprocessor } from './fitted-preprocessor.js';
export { PREPROCESSOR_FORMAT_VERSION, PREPROCESSOR_KIND } from './fitted-state.js';
export { PREPROCESS_PARAMS, type PreprocessConfig, resolvePreprocessConfig } from './params.js';
export { ProductionPreprocessor } from './production-preprocessor.js';
