/**
 * The one contract every model family implements (scikit-learn's estimator contract, typed):
 * a `Regressor` only holds hyperparameters; `fit` returns a separate `FittedRegressor` whose
 * learned state is plain data — so an unfitted model cannot be asked to predict.
 */
import type { Serialized } from '../core/codec.js';
import type { Matrix } from '../core/matrix.js';
import type { TreeArrays } from './tree/predictor.js';

/** What one column of the model matrix means (from the preprocessor). */
export interface FeatureInfo {
  /** Column name in the model matrix, e.g. `carat` or `cut=Ideal`. */
  readonly name: string;
  /**
   * `numeric`: a real number (possibly an indicator). `categorical`: an ordinal-encoded category
   * code 0..nCategories-1 stored as a float (NaN = missing), for models with native categorical
   * splits.
   */
  readonly kind: 'numeric' | 'categorical';
  readonly nCategories?: number;
  /** The original input column this feature comes from (for importances mapped back to inputs). */
  readonly source: string;
}

/** How categorical inputs should be encoded for a model. */
export type InputEncoding = 'onehot' | 'ordinal';

/**
 * What a fit gets besides X and y: feature meanings, the seed, validation rows for early stopping,
 * the abort signal, progress and threads.
 */
export interface FitContext {
  /** Meaning of each column of X. */
  readonly features: readonly FeatureInfo[];
  /** Seed for every random choice the model makes. */
  readonly seed: number;
  /** Validation rows, for early stopping / internal tuning only. Never used to fit statistics. */
  readonly val?: { readonly X: Matrix; readonly y: Float64Array };
  /** Aborted when the candidate's time budget runs out; long fits check it and stop. */
  readonly signal?: AbortSignal;
  /** Fraction done in [0, 1]; for progress bars. */
  readonly onProgress?: (fraction: number) => void;
  /** Worker threads the model may use (default: all cores). */
  readonly threads?: number;
  /**
   * Called once with the predictions of `val.X` by the model the fit returns, when the fit made
   * them anyway (early stopping): bit for bit what that model's `predict(val.X)` gives, so the
   * caller need not predict VAL again. Families that do not predict VAL while fitting never call it.
   */
  readonly onValPredictions?: (pred: Float64Array) => void;
}

/** An unfitted model: hyperparameters only; `fit` returns a separate fitted model. */
export interface Regressor {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  fit(X: Matrix, y: Float64Array, ctx: FitContext): Promise<FittedRegressor>;
}

/**
 * A fitted model: predictions, importances and its learned state as plain JSON (`toJSON`, loaded
 * back by its family).
 */
export interface FittedRegressor {
  readonly kind: string;
  readonly nFeatures: number;
  /** One prediction per row of X; throws ValidationError when X.cols !== nFeatures. */
  predict(X: Matrix): Float64Array;
  /**
   * Non-negative importance per matrix column, summing to 1 (all zeros when the model found
   * nothing). Trees: gain; linear: |coef| × feature std on train.
   */
  featureImportances(): Float64Array;
  /** Things results.json should say about this fit (approximations, early stopping, ...). */
  readonly notes: readonly string[];
  /**
   * Boosting rounds kept, for families that stop early on validation rows: cross-validation
   * refits such a model on all rows (no validation rows left) with the rounds its folds kept.
   */
  readonly iterations?: number;
  /**
   * What exact explainers may read of this model (see `ModelStructure`); absent: it is explained
   * by sampling against a background.
   */
  readonly structure?: ModelStructure;
  /** `{kind, formatVersion, params, state}`; typed arrays via core/codec. */
  toJSON(): Serialized;
}

/**
 * The shape of a fitted model that exact attributions are computed from: the plug-in point of
 * explanations. A family whose fitted models expose one is explained exactly (TreeSHAP, linear
 * terms, a weighted sum of members') without any change outside its own folder.
 */
export type ModelStructure = AdditiveTrees | LinearTerms | WeightedMembers;

/** prediction = offset + scale × Σ trees (boosting: scale 1; a forest: 1 / trees). */
export interface AdditiveTrees {
  readonly kind: 'trees';
  readonly offset: number;
  readonly scale: number;
  readonly trees: readonly TreeArrays[];
}

/** prediction = intercept + coef · x; `featureMean`: the training column means (the reference). */
export interface LinearTerms {
  readonly kind: 'linear';
  readonly intercept: number;
  readonly coef: Float64Array;
  readonly featureMean?: Float64Array;
}

/** One weighted member of a `WeightedMembers` model. */
export interface WeightedMember {
  readonly model: FittedRegressor;
  readonly weight: number;
}

/** prediction = Σ weight × member(member's own matrix of the input). */
export interface WeightedMembers {
  readonly kind: 'members';
  readonly members: readonly WeightedMember[];
  /** Input column of each column of an expanding member's matrix. */
  readonly inputOf: Int32Array;
  /** True when the member takes an expansion of the input (its columns map back through `inputOf`). */
  expands(member: WeightedMember): boolean;
  /** The member's matrix for input rows X; `cache` is shared by the members of one call. */
  memberInput(member: WeightedMember, X: Matrix, cache: { X?: Matrix }): Matrix;
}

export function checkFitInput(kind: string, X: Matrix, y: Float64Array): void {
  if (X.rows !== y.length) {
    throw new RangeError(`${kind}.fit: X has ${X.rows} rows but y has ${y.length}`);
  }
  if (X.rows === 0) throw new RangeError(`${kind}.fit: no training rows`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new RangeError(`${kind}.fit: y[${i}] = ${y[i]} is not finite`);
  }
}
