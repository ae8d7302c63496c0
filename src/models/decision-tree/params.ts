/** Hyperparameters of `tree` (defaults as the reference: sklearn DecisionTreeRegressor, min_samples_leaf 5). */
import type { ParamsOf, ParamTable } from '../../core/params.js';

export const TREE_PARAMS = {
  max_depth: {
    type: 'number?',
    default: null,
    min: 1,
    max: 256,
    integer: true,
    doc: 'depth limit (null: none)',
  },
  max_leaves: {
    type: 'number?',
    default: null,
    min: 2,
    integer: true,
    doc: 'leaf limit, grown best-first (null: none)',
  },
  min_samples_leaf: {
    type: 'number',
    default: 5,
    min: 1,
    integer: true,
    doc: 'minimum training rows per leaf',
  },
  min_impurity_decrease: {
    type: 'number',
    default: 0,
    min: 0,
    doc: 'a split must reduce the total squared error by more than this × training rows',
  },
  max_bins: { type: 'number', default: 255, min: 2, max: 255, integer: true, doc: 'value bins per feature' },
} as const satisfies ParamTable;

export type TreeParams = ParamsOf<typeof TREE_PARAMS>;
