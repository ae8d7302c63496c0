/**
 * Elastic net and lasso, scikit-learn's objective and stopping rule:
 *   (1/2n)‖y − Xw − b‖² + alpha·l1_ratio·‖w‖₁ + ½·alpha·(1 − l1_ratio)·‖w‖²
 * fitted by coordinate descent on the centered Gram matrix. Defaults follow the reference
 * workflow (alpha 0.001, max_iter 5000), not sklearn's alpha 1, which zeroes most real models.
 */
import type { FitContext } from '../regressor.js';
import type { CenteredGram } from './centered-gram.js';
import { enetCoordinateDescent } from './coordinate-descent.js';
import { type CoefFit, linearFamily } from './family.js';

const alpha = { type: 'number', default: 0.001, min: 0, doc: 'penalty strength (sklearn alpha)' } as const;

const cdControl = {
  max_iter: {
    type: 'number',
    default: 5000,
    min: 1,
    integer: true,
    doc: 'maximum coordinate descent epochs',
  },
  tol: {
    type: 'number',
    default: 1e-4,
    min: 0,
    doc: 'stop when the duality gap is below tol × ‖y − ȳ‖² (checked once coefficients move < tol relative)',
  },
} as const;

export const lassoParams = { alpha, ...cdControl } as const;

export const elasticnetParams = {
  alpha,
  l1_ratio: { type: 'number', default: 0.5, min: 0, max: 1, doc: 'mix of L1 (1) and L2 (0) penalties' },
  ...cdControl,
} as const;

function fitCd(
  kind: string,
  g: CenteredGram,
  p: { alpha: number; l1Ratio: number; maxIter: number; tol: number },
  ctx: FitContext,
): CoefFit {
  const r = enetCoordinateDescent(g, { ...p, signal: ctx.signal, onProgress: ctx.onProgress });
  const notes = r.converged
    ? []
    : [
        `${kind}: coordinate descent did not converge in max_iter = ${p.maxIter} epochs (duality gap ` +
          `${r.gap.toExponential(3)} > ${r.gapTol.toExponential(3)}); raise max_iter or tol, or alpha`,
      ];
  return { coef: r.coef, notes };
}

export const lasso = linearFamily({
  searchSpace: { alpha: { kind: 'log', min: 1e-5, max: 10 } },
  kind: 'lasso',
  description: 'lasso (L1-penalised least squares, coordinate descent)',
  params: lassoParams,
  solve: (g, q, ctx) =>
    fitCd('lasso', g, { alpha: q.alpha, l1Ratio: 1, maxIter: q.max_iter, tol: q.tol }, ctx),
});

export const elasticnet = linearFamily({
  searchSpace: {
    alpha: { kind: 'log', min: 1e-5, max: 10 },
    l1_ratio: { kind: 'uniform', min: 0.05, max: 0.95 },
  },
  kind: 'elasticnet',
  description: 'elastic net (L1 + L2 penalised least squares, coordinate descent)',
  params: elasticnetParams,
  solve: (g, q, ctx) =>
    fitCd('elasticnet', g, { alpha: q.alpha, l1Ratio: q.l1_ratio, maxIter: q.max_iter, tol: q.tol }, ctx),
});
