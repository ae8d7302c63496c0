/** The `ensemble` family: weighted averages of fitted regressors (see README.md). */
export { ensembleFamily } from './family.js';
export { fitEnsemble } from './fit-ensemble.js';
export {
  type BuildEnsembleOptions,
  ENSEMBLE_FORMAT_VERSION,
  type EnsembleMember,
  FittedEnsemble,
} from './fitted-ensemble.js';
export {
  blendPredictions,
  DEFAULT_ITERATIONS,
  type GreedySelection,
  type GreedySelectionOptions,
  greedyEnsembleSelection,
} from './greedy-selection.js';
export { type MemberSpec, parseMemberSpecs } from './member-specs.js';
export {
  expandedFeatures,
  expandOnehot,
  foldToInputColumns,
  layoutFromSlots,
  type OnehotLayout,
  onehotLayout,
} from './onehot-expansion.js';
export { ENSEMBLE_PARAMS, type EnsembleParams } from './params.js';
