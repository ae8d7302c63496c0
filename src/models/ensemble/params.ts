/** Hyperparameters of `ensemble`, declared once. */
import type { ParamsOf, ParamTable } from '../../core/params.js';
import { METRIC_NAMES } from '../../metrics/regression.js';

export const ENSEMBLE_PARAMS = {
  members: {
    type: 'string',
    default: 'ridge,random_forest,gbdt',
    doc:
      'candidate members: comma-separated model kinds, each optionally with params, ' +
      'e.g. "ridge, gbdt(max_iter=100), knn(n_neighbors=10)"',
  },
  iterations: {
    type: 'number',
    default: 25,
    min: 1,
    max: 10000,
    integer: true,
    doc: 'greedy additions (with replacement); the best-scoring prefix is kept',
  },
  folds: {
    type: 'number',
    default: 5,
    min: 2,
    max: 100,
    integer: true,
    doc: 'K of the K-fold out-of-fold predictions the weights are selected on',
  },
  metric: {
    type: 'enum',
    default: 'r2',
    values: METRIC_NAMES,
    doc: 'score the greedy selection optimises on the out-of-fold predictions',
  },
} as const satisfies ParamTable;

export type EnsembleParams = ParamsOf<typeof ENSEMBLE_PARAMS>;
