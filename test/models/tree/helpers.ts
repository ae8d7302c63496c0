/** Grow a tree on a small matrix in "forest mode" (g = −y, unit hessians): leaf values are means. */
import type { Matrix } from '../../../src/core/matrix.js';
import type { FeatureInfo } from '../../../src/models/regressor.js';
import { binMatrix, fitBinMapper } from '../../../src/models/tree/binning.js';
import { type GrowerOptions, type GrownTree, TreeGrower } from '../../../src/models/tree/grower.js';
import type { TreeArrays } from '../../../src/models/tree/predictor.js';

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

/** Root splits feature 0 at 0.5 (missing left); its right child splits categorical feature 1: {1, 33} left. */
export function handmade(): TreeArrays {
  const bits = new Uint32Array([2, 1 << 1, 1 << 1]); // nWords = 2, codes 1 and 33
  return {
    feature: Int32Array.of(0, -1, 1, -1, -1),
    threshold: Float64Array.of(0.5, 0, 0, 0, 0),
    left: Int32Array.of(1, -1, 3, -1, -1),
    right: Int32Array.of(2, -1, 4, -1, -1),
    value: Float64Array.of(0, 10, 0, 20, 30),
    missingLeft: Uint8Array.of(1, 0, 0, 0, 0),
    gain: Float64Array.of(5, 0, 15, 0, 0),
    count: Float64Array.of(5, 2, 3, 1, 2),
    catStart: Int32Array.of(-1, -1, 0, -1, -1),
    catBits: bits,
  };
}
