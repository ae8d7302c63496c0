/** `gbdt`: histogram gradient boosting (sklearn HistGradientBoostingRegressor / LightGBM style). */
import type { Serialized } from '../../core/codec.js';
import type { Matrix } from '../../core/matrix.js';
import type { ModelFamily } from '../families.js';
import type { FitContext, Regressor } from '../regressor.js';
import { type FittedTrees, loadTrees } from '../tree/fitted-trees.js';
import { fitGbdt } from './boost.js';
import { GBDT_PARAMS, type GbdtParams } from './params.js';

/**
 * A refit on all rows has no validation rows to stop on: it grows the mean of the rounds the
 * folds kept (each fold stopped on its own held-out rows), and stops only there.
 */
function refitRounds(params: GbdtParams, foldIterations: readonly number[]): GbdtParams {
  if (params.early_stopping === 'false' || foldIterations.length === 0) return params;
  const mean = foldIterations.reduce((a, b) => a + b, 0) / foldIterations.length;
  return { ...params, max_iter: Math.max(1, Math.round(mean)), early_stopping: 'false' };
}

export const gbdt: ModelFamily = {
  kind: 'gbdt',
  description:
    'Histogram gradient boosting: leaf-wise trees on ≤255 quantile bins, native categorical splits, ' +
    'missing values routed, early stopping on validation rows',
  params: GBDT_PARAMS,
  input: 'ordinal',
  capabilities: { basis: 'trees', attributions: 'exact', nativeCategoricals: true },
  // Shallow, strongly shrunk trees (scikit-learn GradientBoosting's depth 3) are in reach: on
  // small tabular data they often beat deep ones.
  searchSpace: {
    learning_rate: { kind: 'log', min: 0.02, max: 0.3 },
    max_leaves: { kind: 'int', min: 8, max: 127 },
    max_depth: { kind: 'choice', values: [null, null, 3, 4, 6] },
    min_samples_leaf: { kind: 'int', min: 2, max: 100, rowsFraction: 0.02 },
    l2: { kind: 'log', min: 1e-3, max: 10 },
    colsample: { kind: 'uniform', min: 0.5, max: 1 },
    subsample: { kind: 'uniform', min: 0.6, max: 1 },
  },
  create(params: Record<string, unknown>): Regressor {
    const frozen = Object.freeze({ ...params }) as Readonly<GbdtParams>;
    return {
      kind: 'gbdt',
      params: frozen,
      fit: (X: Matrix, y: Float64Array, ctx: FitContext): Promise<FittedTrees> =>
        fitGbdt('gbdt', frozen, X, y, ctx),
    };
  },
  load: (json: Serialized): FittedTrees => loadTrees(json, 'gbdt', GBDT_PARAMS),
  refitParams: (params, foldIterations) => refitRounds(params as GbdtParams, foldIterations),
};
