/**
 * Conformal intervals for a model chosen by cross-validation: the scores are the out-of-fold
 * residuals over TRAIN+VAL (each row predicted by a model of a fold that did not fit on it), the
 * K-fold analogue of split conformal (CV+ / jackknife+ use the same residuals). The final model
 * is fitted on all rows, a little more data than each fold's model, so these residuals are, if
 * anything, slightly pessimistic.
 *
 * adaptive: σ(x) is cross-fitted too — the difficulty model that scales row i's score is fitted
 * on the out-of-fold |residuals| of the other folds' rows — and the σ stored for inference is
 * fitted on every row. auto compares the two modes by their interval score, each fold judged with
 * the quantile of the other folds' scores, then calibrates the winner on all rows.
 */
import { encodeNumber } from '../core/codec.js';
import type { Matrix } from '../core/matrix.js';
import { takeRows } from '../core/matrix.js';
import type { FeatureInfo, FittedRegressor } from '../models/regressor.js';
import {
  type CalibrationJson,
  calibrated,
  conformalQuantile,
  type Fitter,
  fitDifficultyOn,
  type IntervalMethod,
  type IntervalMode,
  type Intervals,
  MIN_AUTO_ROWS,
  sigmaOf,
} from './conformal.js';

export interface OutOfFoldInput {
  /** |y − out-of-fold prediction| per row. */
  readonly residual: Float64Array;
  /** Model matrix of the same rows (the final preprocessor's), for the difficulty model. */
  readonly X: Matrix;
  readonly features: readonly FeatureInfo[];
  /** Fold of each row (0..folds-1) in one K-fold pass. */
  readonly foldOf: Uint8Array | Uint16Array;
  readonly folds: number;
  readonly coverage: number;
  readonly mode: IntervalMethod;
  readonly seed: number;
  /** Where the difficulty models are fitted (default: here, one after another). */
  readonly fit?: Fitter;
}

export async function calibrateOutOfFold(input: OutOfFoldInput): Promise<Intervals> {
  const { residual, coverage } = input;
  // One fold has no other folds to cross-fit σ on (a time budget that stopped the folds early).
  const asked: IntervalMethod = input.folds < 2 ? 'absolute' : input.mode;
  const n = residual.length;
  let mode: IntervalMode = asked === 'auto' ? 'absolute' : asked;
  let difficulty: CalibrationJson['difficulty'];
  let sigma: Float64Array | null = null;
  let chosenBy: CalibrationJson['chosen_by'];
  if (asked === 'auto' && n < MIN_AUTO_ROWS) {
    chosenBy = { criterion: 'too_few_val_rows', rows: n, min: MIN_AUTO_ROWS };
  } else if (asked !== 'absolute') {
    const { sigma: s, final: finalFit } = await crossFittedSigma(input);
    if (asked === 'auto') {
      const absolute = foldScore(residual, null, input, coverage);
      const adaptive = foldScore(residual, s, input, coverage);
      chosenBy = {
        criterion: 'interval_score',
        absolute: encodeNumber(absolute),
        adaptive: encodeNumber(adaptive),
        over: 'folds',
      };
      if (adaptive < absolute) mode = 'adaptive';
    } else mode = 'adaptive';
    if (mode === 'adaptive') {
      const final = await finalFit;
      difficulty = { model: final.model.toJSON(), floor: final.floor };
      sigma = s;
    }
  }
  return calibrated({ residual, sigma, mode, coverage, difficulty, chosenBy, calibratedOn: 'out_of_fold' });
}

/**
 * σ for each row from a difficulty model fitted on the other folds' rows, and the σ model of all
 * rows that inference uses; the K + 1 fits are started together (they may run in parallel).
 */
async function crossFittedSigma(
  input: OutOfFoldInput,
): Promise<{ sigma: Float64Array; final: Promise<{ model: FittedRegressor; floor: number }> }> {
  const { residual, X, foldOf, folds, features, seed, fit } = input;
  const sigma = new Float64Array(residual.length);
  const final = fitDifficultyOn(X, residual, features, seed, fit);
  // Awaited only if adaptive wins; never an unhandled rejection otherwise.
  final.catch(() => undefined);
  const perFold = Array.from({ length: folds }, (_, k) => {
    const rows = rowsWhere(foldOf, (f) => f !== k);
    const r = Float64Array.from(rows, (i) => residual[i]);
    return fitDifficultyOn(takeRows(X, rows), r, features, seed, fit);
  });
  const fitted = await Promise.all(perFold);
  fitted.forEach((d, k) => {
    const held = rowsWhere(foldOf, (f) => f === k);
    const s = sigmaOf(d.model, d.floor, takeRows(X, held));
    for (let t = 0; t < held.length; t++) sigma[held[t]] = s[t];
  });
  return { sigma, final };
}

/**
 * Mean interval score (width + (2/α)·miss distance) of ŷ ± q·σ, each fold's rows judged with the
 * quantile of the other folds' scores; ∞ when a fold's complement is too small for the coverage.
 */
function foldScore(
  residual: Float64Array,
  sigma: Float64Array | null,
  input: OutOfFoldInput,
  coverage: number,
): number {
  const { foldOf, folds } = input;
  const alpha = 1 - coverage;
  let total = 0;
  for (let k = 0; k < folds; k++) {
    const cal = rowsWhere(foldOf, (f) => f !== k);
    const { q } = conformalQuantile(
      Float64Array.from(cal, (i) => residual[i] / (sigma ? sigma[i] : 1)),
      coverage,
    );
    if (!Number.isFinite(q)) return Number.POSITIVE_INFINITY;
    for (let i = 0; i < residual.length; i++) {
      if (foldOf[i] !== k) continue;
      const h = q * (sigma ? sigma[i] : 1);
      total += 2 * h + (2 / alpha) * Math.max(0, residual[i] - h);
    }
  }
  return residual.length ? total / residual.length : Number.POSITIVE_INFINITY;
}

function rowsWhere(foldOf: Uint8Array | Uint16Array, keep: (f: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < foldOf.length; i++) if (keep(foldOf[i])) out.push(i);
  return Uint32Array.from(out);
}
