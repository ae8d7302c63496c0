/**
 * Exact contributions of a linear model: φ_j = coef_j · (x_j − mean_j) against the training
 * column means, base value = intercept + coef · mean, so base + Σφ = intercept + coef · x exactly
 * (these are also the interventional Shapley values of a linear model with independent inputs).
 */
import { checkFeatureCount, ModelError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { FittedRegressor, LinearTerms } from '../models/regressor.js';
import type { Explanation } from './explanation.js';

/** The linear terms of a model whose structure is linear, or null for any other model. */
export function linearTermsOf(model: FittedRegressor): LinearTerms | null {
  const s = model.structure;
  return s?.kind === 'linear' ? s : null;
}

/**
 * `reference` overrides the training means (e.g. a background sample's means); artifacts written
 * before the means were kept need one.
 */
export function explainLinear(model: FittedRegressor, X: Matrix, reference?: Float64Array): Explanation {
  const terms = linearTermsOf(model);
  if (!terms) throw new ModelError('not_linear', `${model.kind}: not a linear model; use explain()`);
  checkFeatureCount(model.kind, model.nFeatures, X.cols, 'explain');
  const mean = reference ?? terms.featureMean;
  if (!mean) {
    throw new ModelError(
      'no_reference',
      `${model.kind}: this model artifact does not store its training column means; ` +
        'pass a background sample to explain() (or retrain with this tabflow version)',
    );
  }
  const p = X.cols;
  const w = terms.coef;
  let base = terms.intercept;
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
