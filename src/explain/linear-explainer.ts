/**
 * Exact contributions of a linear model: φ_j = coef_j · (x_j − mean_j) against the training
 * column means, base value = intercept + coef · mean, so base + Σφ = intercept + coef · x exactly
 * (these are also the interventional Shapley values of a linear model with independent inputs).
 */
import { checkFeatureCount, ModelError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { FittedLinear } from '../models/linear/fitted-linear.js';
import type { FittedRegressor } from '../models/regressor.js';
import type { Explanation } from './explanation.js';

export function isLinear(model: FittedRegressor): model is FittedLinear {
  return model instanceof FittedLinear;
}

/**
 * `reference` overrides the training means (e.g. a background sample's means); artifacts written
 * before the means were kept need one.
 */
export function explainLinear(model: FittedLinear, X: Matrix, reference?: Float64Array): Explanation {
  checkFeatureCount(model.kind, model.nFeatures, X.cols, 'explain');
  const mean = reference ?? model.featureMean;
  if (!mean) {
    throw new ModelError(
      'no_reference',
      `${model.kind}: this model artifact does not store its training column means; ` +
        'pass a background sample to explain() (or retrain with this tabflow version)',
    );
  }
  const p = X.cols;
  const w = model.coef;
  let base = model.intercept;
  for (let j = 0; j < p; j++) base += w[j] * mean[j];
  const values = new Float64Array(X.rows * p);
  const data = X.data;
  for (let i = 0, off = 0; i < X.rows; i++, off += p) {
    for (let j = 0; j < p; j++) values[off + j] = w[j] * (data[off + j] - mean[j]);
  }
  return { baseValue: base, values, rows: X.rows, nFeatures: p, method: 'linear' };
}

/** Column means of a matrix (for a background reference). */
export function columnMeans(X: Matrix): Float64Array {
  const m = new Float64Array(X.cols);
  for (let i = 0, off = 0; i < X.rows; i++, off += X.cols) {
    for (let j = 0; j < X.cols; j++) m[j] += X.data[off + j];
  }
  for (let j = 0; j < X.cols; j++) m[j] /= Math.max(1, X.rows);
  return m;
}
