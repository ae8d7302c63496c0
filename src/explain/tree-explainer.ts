/**
 * TreeSHAP for models whose structure is additive trees (`ModelStructure` 'trees'): `tree` and
 * `gbdt` (baseline + Σ trees) and the forests (mean of the trees). Attributions of a sum are the sum of the trees'
 * attributions, so base value = baseline + Σ E[tree] (× 1/T for a forest) and
 * base + Σφ = prediction for every row, to rounding.
 */
import { checkFeatureCount } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { FittedRegressor } from '../models/regressor.js';
import type { TreeArrays } from '../models/tree/predictor.js';
import type { Explanation } from './explanation.js';
import { type PreparedTree, prepareTree, TreeShap } from './tree-shap.js';

/** A tree ensemble as TreeSHAP sees it: prediction = offset + scale × Σ trees. */
export interface TreeEnsemble {
  readonly nFeatures: number;
  readonly offset: number;
  readonly scale: number;
  readonly trees: readonly TreeArrays[];
}

/** The ensemble view of a model whose structure is additive trees, or null for any other model. */
export function treeEnsembleOf(model: FittedRegressor): TreeEnsemble | null {
  const s = model.structure;
  if (s?.kind !== 'trees') return null;
  return { nFeatures: model.nFeatures, offset: s.offset, scale: s.scale, trees: s.trees };
}

export function explainTrees(ens: TreeEnsemble, X: Matrix, kind = 'model'): Explanation {
  checkFeatureCount(kind, ens.nFeatures, X.cols, 'explain');
  const p = X.cols;
  const prepared: PreparedTree[] = ens.trees.map(prepareTree);
  let base = 0;
  for (const t of prepared) base += t.expected;
  const shap = new TreeShap();
  const values = new Float64Array(X.rows * p);
  for (let i = 0; i < X.rows; i++) {
    for (const t of prepared) shap.add(t, X.data, i * p, values, i * p, ens.scale);
  }
  return {
    baseValue: ens.offset + ens.scale * base,
    values,
    rows: X.rows,
    nFeatures: p,
    method: 'tree_shap',
  };
}
