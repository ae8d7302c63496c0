/**
 * What an explanation is: per row, one additive attribution per column such that
 * baseValue + Σ_j values[row, j] = the model's prediction for the row (exactly for trees and
 * linear models; up to the model-agnostic estimator's sampling for the others, whose sum is still
 * exact by construction). Attributions on model-matrix columns fold back to the original input
 * columns by summing the columns that share a `source` (one-hot levels, date parts).
 */
import { ValidationError } from '../core/errors.js';
import type { FeatureInfo } from '../models/regressor.js';

/** `ensemble`: the weighted sum of the members' attributions, each member by its own method. */
export type ExplainMethod = 'tree_shap' | 'linear' | 'sampling_shap' | 'ensemble';

/**
 * Per-row attributions over the model-matrix columns: with the base value they add up to each
 * prediction.
 */
export interface Explanation {
  /** E[f] under the method's reference distribution; the same for every row. */
  readonly baseValue: number;
  /** rows × nFeatures, row-major. */
  readonly values: Float64Array;
  readonly rows: number;
  readonly nFeatures: number;
  readonly method: ExplainMethod;
}

/** Attributions per original input column (`names[j]` ↔ `values[row * names.length + j]`). */
export interface InputExplanation {
  readonly baseValue: number;
  readonly names: string[];
  readonly values: Float64Array;
  readonly rows: number;
  readonly method: ExplainMethod;
}

/** The input columns of a model matrix, in first-seen order, and each matrix column's input index. */
export interface SourceGroups {
  readonly names: string[];
  /** group[j] = index into `names` of matrix column j. */
  readonly group: Int32Array;
}

export function sourceGroups(features: readonly FeatureInfo[]): SourceGroups {
  const index = new Map<string, number>();
  const names: string[] = [];
  const group = new Int32Array(features.length);
  for (let j = 0; j < features.length; j++) {
    const s = features[j].source;
    let g = index.get(s);
    if (g === undefined) {
      g = names.length;
      index.set(s, g);
      names.push(s);
    }
    group[j] = g;
  }
  return { names, group };
}

/** Sum the attributions of matrix columns that come from the same input column. */
export function foldToInputs(e: Explanation, features: readonly FeatureInfo[]): InputExplanation {
  if (features.length !== e.nFeatures) {
    throw new ValidationError([
      {
        path: 'features',
        code: 'feature_count',
        message: `foldToInputs: ${features.length} feature descriptions for an explanation of ${e.nFeatures} columns`,
      },
    ]);
  }
  const { names, group } = sourceGroups(features);
  const values = foldGroups(e.values, e.rows, e.nFeatures, group, names.length);
  return { baseValue: e.baseValue, names, values, rows: e.rows, method: e.method };
}

/** rows × width values summed into rows × nGroups by `group[j]` (the group of column j). */
export function foldGroups(
  values: Float64Array,
  rows: number,
  width: number,
  group: Int32Array,
  nGroups: number,
): Float64Array {
  const out = new Float64Array(rows * nGroups);
  for (let i = 0; i < rows; i++) {
    const src = i * width;
    const dst = i * nGroups;
    for (let j = 0; j < width; j++) out[dst + group[j]] += values[src + j];
  }
  return out;
}
