/**
 * Ridge regression, scikit-learn's Ridge(alpha) with an intercept: (XcᵀXc + αI) w = Xcᵀyc solved
 * by Cholesky. With alpha = 0 on a singular design there is no Cholesky factor; the rank-revealing
 * OLS solve takes over and the fit says so.
 */
import { choleskySolve, minNormSolve } from './dense-solve.js';
import { linearFamily } from './family.js';

export const ridgeParams = {
  alpha: {
    type: 'number',
    default: 1,
    min: 0,
    doc: 'L2 penalty strength: minimises ‖y − Xw − b‖² + alpha·‖w‖²',
  },
} as const;

export const ridge = linearFamily({
  searchSpace: { alpha: { kind: 'log', min: 1e-3, max: 1e3 } },
  kind: 'ridge',
  description: 'ridge regression (L2-penalised least squares, Cholesky solve)',
  params: ridgeParams,
  solve(g, params) {
    const { p } = g;
    const A = Float64Array.from(g.gram);
    // Constant columns have a zero row and column; with alpha > 0 they solve to 0 on their own.
    for (let j = 0; j < p; j++) A[j * p + j] += params.alpha;
    const coef = choleskySolve(A, g.xty, p);
    if (coef) return { coef, notes: [] };
    const { x, rank } = minNormSolve(A, g.xty, p, 1e-10);
    return {
      coef: x,
      notes: [
        `ridge: XᵀX + ${params.alpha}·I is singular (rank ${rank} of ${p}); fitted the minimum-norm solution`,
      ],
    };
  },
});
