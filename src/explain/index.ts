/** Explanations: per-row attributions (TreeSHAP, linear, sampling) and permutation importance. */

export {
  DEFAULT_BACKGROUND_ROWS,
  decodeBackground,
  type EncodedBackground,
  encodeBackground,
  pickBackground,
} from './background.js';
export { type ExplainOptions, explain, explainInputs, explainMethod, needsBackground } from './explain.js';
export {
  type ExplainMethod,
  type Explanation,
  foldToInputs,
  type InputExplanation,
  type SourceGroups,
  sourceGroups,
} from './explanation.js';
export { explainLinear } from './linear-explainer.js';
export {
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
} from './permutation-importance.js';
export { type SamplingOptions, type SamplingResult, samplingShap } from './sampling-shap.js';
export { explainTrees, type TreeEnsemble, treeEnsembleOf } from './tree-explainer.js';
