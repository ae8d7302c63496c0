/**
 * The `ensemble` candidate's weights, chosen greedily (Caruana et al., 2004) on predictions the
 * members made for rows they were not fitted on — and scored honestly, on rows the weights were
 * not chosen on, so it competes with single candidates on equal terms:
 *
 * - cv: for each fold, weights chosen on the out-of-fold predictions of the other folds' rows
 *   predict the fold's rows (nested), giving the ensemble its own fold scores and out-of-fold
 *   predictions; the final weights are chosen on every row (repeats averaged).
 * - holdout: weights chosen on one half of VAL score the other half and vice versa; the final
 *   weights are chosen on all of VAL.
 */
import { Rng } from '../core/random.js';
import type { Metric } from '../metrics/regression.js';
import { blendPredictions, greedyEnsembleSelection } from '../models/ensemble/greedy-selection.js';
import type { Fold } from './cv/folds.js';

export interface EnsembleWeights {
  /** Per member (in the order given), summing to 1. */
  readonly weights: Float64Array;
  /** Greedy steps kept. */
  readonly kept: number;
}

export interface CvEnsemble extends EnsembleWeights {
  /** Selection metric per fold, from weights that never saw the fold. */
  readonly foldScores: Float64Array;
  /** The nested out-of-fold predictions, per repeat. */
  readonly oof: Float64Array[];
}

export interface HoldoutEnsemble extends EnsembleWeights {
  /** Cross-fitted predictions for every VAL row (weights from the other half). */
  readonly valPred: Float64Array;
}

/** `oof[m][r]`: member m's out-of-fold predictions of repeat r. */
export function cvEnsemble(
  oof: readonly (readonly Float64Array[])[],
  y: Float64Array,
  folds: readonly Fold[],
  metric: Metric,
  iterations: number,
): CvEnsemble {
  const nRepeats = oof[0].length;
  const out = Array.from({ length: nRepeats }, () => new Float64Array(y.length));
  const foldScores = new Float64Array(folds.length);
  folds.forEach((fold, f) => {
    const preds = oof.map((perRepeat) => perRepeat[fold.repeat]);
    const w = select(preds, y, fold.fit, metric, iterations).weights;
    const held = blendPredictions(
      preds.map((p) => pick(p, fold.held)),
      w,
    );
    for (let k = 0; k < fold.held.length; k++) out[fold.repeat][fold.held[k]] = held[k];
    foldScores[f] = metric.compute(pick(y, fold.held), held);
  });
  const mean = oof.map((perRepeat) => meanOf(perRepeat));
  const all = greedyEnsembleSelection(mean, y, { iterations, metric });
  return { weights: all.weights, kept: all.kept, foldScores, oof: out };
}

/** `val[m]`: member m's predictions for the VAL rows. */
export function holdoutEnsemble(
  val: readonly Float64Array[],
  y: Float64Array,
  metric: Metric,
  iterations: number,
  seed: number,
): HoldoutEnsemble {
  const n = y.length;
  const perm = new Rng(seed ^ 0x3c6ef372).permutation(n);
  const halves = [perm.subarray(0, n >> 1).sort(), perm.subarray(n >> 1).sort()];
  const valPred = new Float64Array(n);
  for (let h = 0; h < 2; h++) {
    const w = select(val, y, halves[h], metric, iterations).weights;
    const other = halves[1 - h];
    const p = blendPredictions(
      val.map((v) => pick(v, other)),
      w,
    );
    for (let k = 0; k < other.length; k++) valPred[other[k]] = p[k];
  }
  const all = greedyEnsembleSelection(val, y, { iterations, metric });
  return { weights: all.weights, kept: all.kept, valPred };
}

function select(
  preds: readonly Float64Array[],
  y: Float64Array,
  rows: Uint32Array,
  metric: Metric,
  iterations: number,
) {
  return greedyEnsembleSelection(
    preds.map((p) => pick(p, rows)),
    pick(y, rows),
    { iterations, metric },
  );
}

function pick(a: Float64Array, rows: Uint32Array): Float64Array {
  return Float64Array.from(rows, (i) => a[i]);
}

function meanOf(perRepeat: readonly Float64Array[]): Float64Array {
  if (perRepeat.length === 1) return perRepeat[0];
  const out = new Float64Array(perRepeat[0].length);
  for (const p of perRepeat) for (let i = 0; i < out.length; i++) out[i] += p[i] / perRepeat.length;
  return out;
}
