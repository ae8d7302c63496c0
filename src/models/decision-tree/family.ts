/**
 * `tree`: one regression tree (CART with squared error) on the shared histogram core. With
 * gradients −(y − ȳ) and unit hessians, leaf values are means and gains are squared-error
 * reductions, so this is sklearn's DecisionTreeRegressor with thresholds restricted to ≤255 bins.
 */
import type { Serialized } from '../../core/codec.js';
import type { Matrix } from '../../core/matrix.js';
import type { ModelFamily } from '../families.js';
import { checkFitInput, type FitContext, type Regressor } from '../regressor.js';
import { binMatrix, fitBinMapper } from '../tree/binning.js';
import { FittedTrees, loadTrees } from '../tree/fitted-trees.js';
import { TreeGrower } from '../tree/grower.js';
import { TREE_PARAMS, type TreeParams } from './params.js';

function fitTree(params: Readonly<TreeParams>, X: Matrix, y: Float64Array, ctx: FitContext): FittedTrees {
  checkFitInput('tree', X, y);
  const n = X.rows;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  // Centred target: leaf means and gains without cancellation on large-valued targets.
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = mean - y[i];
  const mapper = fitBinMapper(X, ctx.features, { maxBins: params.max_bins, seed: ctx.seed });
  const grower = new TreeGrower(mapper, binMatrix(mapper, X));
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  const { tree } = grower.grow(g, null, 1, rows, n, {
    maxLeaves: params.max_leaves ?? Number.POSITIVE_INFINITY,
    maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
    minSamplesLeaf: params.min_samples_leaf,
    minHessian: 0,
    // sklearn's min_impurity_decrease is per training row; our gain is a total.
    minGain: params.min_impurity_decrease * n,
    l2: 0,
    // Small nodes find splits from their rows (tree/sparse-split.ts): same tree, far less work
    // on the thousands of small nodes of a fully grown tree.
    sparseRows: Math.max(8, Math.round(mapper.offsets[X.cols] / Math.max(1, X.cols))),
  });
  return new FittedTrees('tree', params, X.cols, mean, [tree], []);
}

export const decisionTree: ModelFamily = {
  kind: 'tree',
  description: 'Decision tree (CART, squared error) on histogram bins, native categorical splits',
  params: TREE_PARAMS,
  input: 'ordinal',
  capabilities: { basis: 'trees', attributions: 'exact', nativeCategoricals: true },
  searchSpace: {
    max_depth: { kind: 'choice', values: [null, 4, 6, 8, 12, 16] },
    min_samples_leaf: { kind: 'int', min: 1, max: 50 },
  },
  create(params: Record<string, unknown>): Regressor {
    const frozen = Object.freeze({ ...params }) as Readonly<TreeParams>;
    return {
      kind: 'tree',
      params: frozen,
      fit: async (X: Matrix, y: Float64Array, ctx: FitContext): Promise<FittedTrees> =>
        fitTree(frozen, X, y, ctx),
    };
  },
  load: (json: Serialized): FittedTrees => loadTrees(json, 'tree', TREE_PARAMS),
};
