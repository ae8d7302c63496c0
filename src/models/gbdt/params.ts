/**
 * Hyperparameters of `gbdt`, declared once. Defaults as sklearn's HistGradientBoostingRegressor
 * except max_iter (300, for early stopping on the validation rows to cut).
 */
import type { ParamsOf, ParamTable } from '../../core/params.js';

export const GBDT_PARAMS = {
  loss: {
    type: 'enum',
    default: 'squared',
    values: ['squared', 'absolute', 'huber', 'quantile'] as const,
    doc: 'training loss; quantile predicts the `quantile`-th conditional quantile',
  },
  quantile: {
    type: 'number',
    default: 0.5,
    min: 0,
    max: 0.999,
    exclusiveMin: true,
    doc: 'target quantile in (0, 1) for loss = quantile',
  },
  huber_alpha: {
    type: 'number',
    default: 0.9,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'huber: residuals beyond this quantile of |residual| count linearly',
  },
  learning_rate: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 10,
    exclusiveMin: true,
    doc: 'shrinkage per tree',
  },
  max_iter: {
    type: 'number',
    default: 300,
    min: 1,
    max: 100000,
    integer: true,
    doc: 'boosting iterations (sklearn: 100; with early stopping on validation rows, 300 was never worse)',
  },
  max_leaves: { type: 'number', default: 31, min: 2, max: 65536, integer: true, doc: 'leaves per tree' },
  max_depth: {
    type: 'number?',
    default: null,
    min: 1,
    max: 256,
    integer: true,
    doc: 'depth limit (null: none)',
  },
  min_samples_leaf: {
    type: 'number',
    default: 20,
    min: 1,
    integer: true,
    doc: 'minimum training rows per leaf',
  },
  l2: { type: 'number', default: 0, min: 0, doc: 'L2 regularisation of leaf values' },
  min_hessian: { type: 'number', default: 1e-3, min: 0, doc: 'minimum hessian sum per leaf' },
  max_bins: { type: 'number', default: 255, min: 2, max: 255, integer: true, doc: 'value bins per feature' },
  early_stopping: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'true', 'false'] as const,
    doc: 'stop on the validation rows when the loss stops improving (auto: when validation rows are given)',
  },
  n_iter_no_change: { type: 'number', default: 10, min: 1, integer: true, doc: 'patience of early stopping' },
  validation_tol: {
    type: 'number',
    default: 1e-7,
    min: 0,
    doc: 'minimum relative validation-loss improvement',
  },
  subsample: {
    type: 'number',
    default: 1,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'fraction of rows drawn (without replacement) for each tree',
  },
  colsample: {
    type: 'number',
    default: 1,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'fraction of features drawn for each tree',
  },
} as const satisfies ParamTable;

export type GbdtParams = ParamsOf<typeof GBDT_PARAMS>;
