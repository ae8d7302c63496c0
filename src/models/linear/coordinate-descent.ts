/**
 * Elastic-net coordinate descent on the precomputed centered Gram matrix: scikit-learn's
 * `enet_coordinate_descent_gram` (cyclic). It minimises, in scikit-learn's units (objective × n),
 *   ½‖yc − Xc w‖² + l1·‖w‖₁ + ½·l2·‖w‖²,   l1 = n·α·ρ,  l2 = n·α·(1 − ρ),
 * which is (1/2n)‖y − Xw − b‖² + αρ‖w‖₁ + ½α(1 − ρ)‖w‖² with the intercept profiled out.
 * One coordinate update costs O(p) instead of O(n), so an epoch is O(p²) however many rows.
 * Stopping is sklearn's: once the largest coefficient change is below tol × the largest
 * coefficient, the duality gap is computed and the loop ends when it is below tol × ‖yc‖².
 */
import type { CenteredGram } from './centered-gram.js';

export interface EnetSettings {
  readonly alpha: number;
  readonly l1Ratio: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number) => void;
}

export interface EnetResult {
  readonly coef: Float64Array;
  /** Epochs run. */
  readonly nIter: number;
  /** Last duality gap computed, and the threshold it had to get under (both in sklearn units). */
  readonly gap: number;
  readonly gapTol: number;
  readonly converged: boolean;
}

export function enetCoordinateDescent(g: CenteredGram, s: EnetSettings): EnetResult {
  const { p, gram: Q, xty: q, yy } = g;
  const l1 = s.alpha * s.l1Ratio * g.n;
  const l2 = s.alpha * (1 - s.l1Ratio) * g.n;
  const w = new Float64Array(p);
  const H = new Float64Array(p); // H = Q w, kept up to date incrementally
  const gapTol = s.tol * yy;
  let gap = Number.POSITIVE_INFINITY;
  let nIter = 0;
  let converged = false;
  for (let iter = 0; iter < s.maxIter; iter++) {
    nIter = iter + 1;
    if ((iter & 63) === 0) {
      s.signal?.throwIfAborted();
      s.onProgress?.(iter / s.maxIter);
    }
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < p; j++) {
      const qjj = Q[j * p + j];
      if (qjj === 0) continue;
      const wOld = w[j];
      const tmp = q[j] - (H[j] - wOld * qjj);
      const wNew = (Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0)) / (qjj + l2);
      const delta = wNew - wOld;
      if (delta !== 0) {
        w[j] = wNew;
        const row = j * p;
        for (let k = 0; k < p; k++) H[k] += delta * Q[row + k];
      }
      if (Math.abs(delta) > dwMax) dwMax = Math.abs(delta);
      if (Math.abs(wNew) > wMax) wMax = Math.abs(wNew);
    }
    if (wMax === 0 || dwMax / wMax < s.tol || iter === s.maxIter - 1) {
      recompute(Q, w, H, p); // drop the rounding drift of the incremental updates
      gap = dualityGap(w, H, q, yy, l1, l2, p);
      // Without an L1 term the rescaled residual is no dual point and the gap never closes
      // (sklearn then runs to max_iter); the coefficient-change test alone decides.
      if (gap <= gapTol || (l1 === 0 && dwMax <= s.tol * wMax)) {
        converged = true;
        break;
      }
    }
  }
  s.onProgress?.(1);
  return { coef: w, nIter, gap, gapTol, converged };
}

function recompute(Q: Float64Array, w: Float64Array, H: Float64Array, p: number): void {
  H.fill(0);
  for (let j = 0; j < p; j++) {
    const wj = w[j];
    if (wj === 0) continue;
    for (let k = 0; k < p; k++) H[k] += wj * Q[j * p + k];
  }
}

/** sklearn's gap: primal minus the dual at the residual rescaled to be dual feasible. */
function dualityGap(
  w: Float64Array,
  H: Float64Array,
  q: Float64Array,
  yy: number,
  l1: number,
  l2: number,
  p: number,
): number {
  let qw = 0;
  let wH = 0;
  let ww = 0;
  let l1norm = 0;
  let dualNorm = 0;
  for (let j = 0; j < p; j++) {
    qw += q[j] * w[j];
    wH += w[j] * H[j];
    ww += w[j] * w[j];
    l1norm += Math.abs(w[j]);
    dualNorm = Math.max(dualNorm, Math.abs(q[j] - H[j] - l2 * w[j]));
  }
  const rr = yy + wH - 2 * qw; // ‖yc − Xc w‖²
  let c = 1;
  let gap = rr;
  if (dualNorm > l1) {
    c = l1 / dualNorm;
    gap = 0.5 * (rr + rr * c * c);
  }
  return gap + l1 * l1norm - c * (yy - qw) + 0.5 * l2 * (1 + c * c) * ww;
}
