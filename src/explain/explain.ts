/**
 * One entry point for per-row explanations, picking the method by model:
 *   tree, gbdt, random_forest, extra_trees → exact TreeSHAP
 *   linear, ridge, lasso, elasticnet       → exact linear contributions
 *   anything else (svr, knn, ...)          → antithetic permutation sampling against a background
 *   ensemble                               → Σ weight × each member's own attributions
 */
import { checkFeatureCount, ModelError, ValidationError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { FeatureInfo, FittedRegressor } from '../models/regressor.js';
import { explainEnsemble, type GroupedAttributions } from './ensemble-explainer.js';
import {
  type ExplainMethod,
  type Explanation,
  foldGroups,
  foldToInputs,
  type InputExplanation,
  sourceGroups,
} from './explanation.js';
import { columnMeans, explainLinear, linearTermsOf } from './linear-explainer.js';
import { samplingShap } from './sampling-shap.js';
import { explainTrees, treeEnsembleOf } from './tree-explainer.js';

/** Inputs of the sampling explainer (exact methods ignore them): its reference rows and seed. */
export interface ExplainOptions {
  /** Reference rows (model-matrix columns): needed by the sampling method, see `pickBackground`. */
  readonly background?: Matrix;
  /** Seed of the sampling method (exact methods ignore it). */
  readonly seed?: number;
  /** Number of X's first row in the whole batch: the sampling method seeds each row by it. */
  readonly firstRow?: number;
  /** Permutations per row for the sampling method (default 2 × background rows). */
  readonly nSamples?: number;
}

/** The method `explain` uses for this model. */
export function explainMethod(model: FittedRegressor): ExplainMethod {
  switch (model.structure?.kind) {
    case 'members':
      return 'ensemble';
    case 'trees':
      return 'tree_shap';
    case 'linear':
      return 'linear';
    default:
      return 'sampling_shap';
  }
}

/** True when explaining this model needs a background sample at inference time. */
export function needsBackground(model: FittedRegressor): boolean {
  const s = model.structure;
  if (s?.kind === 'members') return s.members.some((m) => needsBackground(m.model));
  return explainMethod(model) === 'sampling_shap';
}

/** Attributions per model-matrix column: baseValue + Σ_j values[i, j] = predict(X)[i]. */
export function explain(model: FittedRegressor, X: Matrix, opts: ExplainOptions = {}): Explanation {
  if (model.structure?.kind === 'members') {
    const identity = Int32Array.from({ length: X.cols }, (_, j) => j);
    const r = explainGrouped(model, X, opts, identity, X.cols);
    return { ...r, rows: X.rows, nFeatures: X.cols, method: 'ensemble' };
  }
  const trees = treeEnsembleOf(model);
  if (trees) return explainTrees(trees, X, model.kind);
  const terms = linearTermsOf(model);
  if (terms) {
    const ref = !terms.featureMean && opts.background ? columnMeans(opts.background) : undefined;
    return explainLinear(model, X, ref);
  }
  const r = samplingShap(model, X, { ...opts, background: requireBackground(model, opts) });
  return {
    baseValue: r.baseValue,
    values: r.values,
    rows: X.rows,
    nFeatures: X.cols,
    method: 'sampling_shap',
  };
}

/**
 * Attributions per original input column (one-hot levels and date parts folded back). The sampling
 * method moves all columns of an input together, so it estimates the inputs' Shapley values directly.
 */
export function explainInputs(
  model: FittedRegressor,
  X: Matrix,
  features: readonly FeatureInfo[],
  opts: ExplainOptions = {},
): InputExplanation {
  const method = explainMethod(model);
  if (method !== 'sampling_shap' && method !== 'ensemble') {
    return foldToInputs(explain(model, X, opts), features);
  }
  if (features.length !== X.cols) {
    throw new ValidationError([
      {
        path: 'features',
        code: 'feature_count',
        message: `explainInputs: ${features.length} feature descriptions for a matrix of ${X.cols} columns`,
      },
    ]);
  }
  const { names, group } = sourceGroups(features);
  const r = explainGrouped(model, X, opts, group, names.length);
  return { baseValue: r.baseValue, names, values: r.values, rows: X.rows, method };
}

/**
 * Attributions on groups of X's columns. Sampling moves a group's columns together (the groups'
 * Shapley values); exact methods attribute columns, then sum them per group; an ensemble combines
 * its members' grouped attributions.
 */
function explainGrouped(
  model: FittedRegressor,
  X: Matrix,
  opts: ExplainOptions,
  group: Int32Array,
  nGroups: number,
): GroupedAttributions {
  const s = model.structure;
  if (s?.kind === 'members') {
    checkFeatureCount(model.kind, model.nFeatures, X.cols, 'explain');
    const bg = opts.background;
    if (bg) checkFeatureCount(`${model.kind} (background)`, model.nFeatures, bg.cols, 'explain');
    return explainEnsemble(s, X, opts.background, group, nGroups, (m, Xm, background, g, G) =>
      explainGrouped(m, Xm, { ...opts, background }, g, G),
    );
  }
  if (explainMethod(model) === 'sampling_shap') {
    const background = requireBackground(model, opts);
    const r = samplingShap(model, X, { ...opts, background, group, nGroups });
    return { baseValue: r.baseValue, values: r.values };
  }
  const e = explain(model, X, opts);
  return { baseValue: e.baseValue, values: foldGroups(e.values, e.rows, e.nFeatures, group, nGroups) };
}

function requireBackground(model: FittedRegressor, opts: ExplainOptions): Matrix {
  if (opts.background) return opts.background;
  throw new ModelError(
    'no_background',
    `${model.kind}: explanations for this model are estimated against a background sample; ` +
      'pass options.background (e.g. pickBackground(trainX, 50, seed))',
  );
}
