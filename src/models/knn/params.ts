/** k-NN hyperparameters, declared once (defaults as scikit-learn's KNeighborsRegressor). */
import type { ParamsOf, ParamTable } from '../../core/params.js';

export const KNN_PARAMS = {
  n_neighbors: {
    type: 'number',
    default: 5,
    min: 1,
    integer: true,
    doc: 'neighbours averaged per prediction',
  },
  weights: {
    type: 'enum',
    default: 'uniform',
    values: ['uniform', 'distance'],
    doc: "'distance' weights neighbours by 1/d (exact matches, if any, take all the weight)",
  },
  p: {
    type: 'number',
    default: 2,
    min: 1,
    max: 2,
    integer: true,
    doc: 'Minkowski power: 1 Manhattan, 2 Euclidean',
  },
  algorithm: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'kd_tree', 'brute'],
    doc: "exact search: 'auto' uses a KD-tree up to 30 features, brute force with early abandoning above",
  },
  leaf_size: { type: 'number', default: 30, min: 1, integer: true, doc: 'KD-tree leaf size' },
} as const satisfies ParamTable;

export type KnnParams = ParamsOf<typeof KNN_PARAMS>;
