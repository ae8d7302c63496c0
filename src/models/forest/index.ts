/** Forest model families: `random_forest` (bootstrap, best splits) and `extra_trees` (random splits). */
import type { Serialized } from '../../core/codec.js';
import type { SearchSpace } from '../../core/search-space.js';
import type { ModelFamily } from '../families.js';
import { FittedForest } from './fitted-forest.js';
import { ForestRegressor } from './forest.js';
import { EXTRA_TREES_PARAMS, type ForestParams, RANDOM_FOREST_PARAMS } from './params.js';

export { FittedForest } from './fitted-forest.js';
export { ForestRegressor } from './forest.js';
export { closePool } from './pool.js';

/** Both forests: how many features each node may split on, and how small a leaf may get. */
const FOREST_SPACE: SearchSpace = {
  max_features: { kind: 'choice', values: [1, 0.7, 0.5, 0.33, 'sqrt'] },
  min_samples_leaf: { kind: 'int', min: 1, max: 10, rowsFraction: 0.01 },
};

const FOREST_CAPABILITIES = { basis: 'trees', attributions: 'exact', nativeCategoricals: true } as const;

/** A fold's model is scored on its held-out rows: its out-of-bag score would go unread (same trees). */
function withoutOob(params: Record<string, unknown>): Record<string, unknown> {
  return params.oob_score ? { ...params, oob_score: false } : params;
}

export const randomForest: ModelFamily = {
  kind: 'random_forest',
  description: 'Random forest: bootstrap-sampled trees with best splits, averaged; out-of-bag R²',
  params: RANDOM_FOREST_PARAMS,
  input: 'ordinal',
  capabilities: FOREST_CAPABILITIES,
  searchSpace: FOREST_SPACE,
  create: (params) => new ForestRegressor('random_forest', params as ForestParams, 'best'),
  load: (json: Serialized) => FittedForest.load('random_forest', json),
  foldParams: withoutOob,
};

export const extraTrees: ModelFamily = {
  kind: 'extra_trees',
  description: 'Extremely randomised trees: random thresholds per candidate feature, averaged',
  params: EXTRA_TREES_PARAMS,
  input: 'ordinal',
  capabilities: FOREST_CAPABILITIES,
  searchSpace: FOREST_SPACE,
  create: (params) => new ForestRegressor('extra_trees', params as ForestParams, 'random'),
  load: (json: Serialized) => FittedForest.load('extra_trees', json),
  foldParams: withoutOob,
};

export const forestFamilies: readonly ModelFamily[] = [randomForest, extraTrees];
