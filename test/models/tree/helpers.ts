/** Grow a tree on a small matrix in "forest mode" (g = −y, unit hessians): leaf values are means. */
import type { Matrix } from '../../../src/core/matrix.js';
import type { FeatureInfo } from '../../../src/models/regressor.js';
import { binMatrix, fitBinMapper } from '../../../src/models/tree/binning.js';
import { type GrowerOptions, type GrownTree, TreeGrower } from '../../../src/models/tree/grower.js';

export const BASE: GrowerOptions = {
  maxLeaves: Number.POSITIVE_INFINITY,
  maxDepth: Number.POSITIVE_INFINITY,
  minSamplesLeaf: 1,
  minHessian: 0,
  minGain: 0,
  l2: 0,
};

export function growOn(
  X: Matrix,
  y: ArrayLike<number>,
  opts: Partial<GrowerOptions> = {},
  features: FeatureInfo[] | null = null,
  hess: Float64Array | null = null,
): GrownTree {
  const mapper = fitBinMapper(X, features);
  const grower = new TreeGrower(mapper, binMatrix(mapper, X));
  const n = X.rows;
  const g = Float64Array.from({ length: n }, (_, i) => -y[i] * (hess ? hess[i] : 1));
  const rows = Uint32Array.from({ length: n }, (_, i) => i);
  return grower.grow(g, hess, 1, rows, n, { ...BASE, ...opts });
}
