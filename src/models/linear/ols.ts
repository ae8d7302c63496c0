/**
 * Ordinary least squares that stays sensible on collinear data. One-hot encoding with every level
 * kept is exactly collinear with the intercept, and rare levels add more exact dependencies;
 * inverting such a design turns rounding noise into huge coefficients (scikit-learn's
 * LinearRegression scores R² ≈ −10¹⁸ on ames). Here the normal equations are solved through an
 * eigendecomposition with a relative cutoff: the minimum-norm solution, identical to the unique
 * one when the design has full rank.
 */
import { minNormSolve } from './dense-solve.js';
import { linearFamily } from './family.js';

export const olsParams = {
  rcond: {
    type: 'number',
    default: 1e-10,
    min: 0,
    max: 0.1,
    doc: 'eigenvalues of the standardised Gram matrix below rcond × the largest count as zero (collinear)',
  },
} as const;

export const ols = linearFamily({
  kind: 'linear',
  description: 'ordinary least squares (rank-revealing, minimum-norm on collinear features)',
  params: olsParams,
  solve(g, params) {
    const live = countNonConstant(g.gram, g.p);
    const { x, rank } = minNormSolve(g.gram, g.xty, g.p, params.rcond);
    const notes =
      rank < live
        ? [
            `linear: the centered design has rank ${rank} < ${live} non-constant columns (collinear ` +
              'features, e.g. one-hot with every level); fitted the minimum-norm solution',
          ]
        : [];
    return { coef: x, notes };
  },
});

function countNonConstant(gram: Float64Array, p: number): number {
  let k = 0;
  for (let j = 0; j < p; j++) if (gram[j * p + j] > 0) k++;
  return k;
}
