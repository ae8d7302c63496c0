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
 *
 * Members whose weight stays below `minWeight` are dropped and the rest renormalised, inside
 * every one of those selections, so the scores describe the ensemble that is saved. A member
 * picked once in 25 steps changes the score by little but costs its whole prediction time,
 * artifact size and explanation time (a 20,000-vector SVR at weight 0.04 made a diamonds
 * ensemble's permutation importance take 30 s).
 */
import { Rng } from '../core/random.js';
import type { Metric } from '../metrics/regression.js';
import { blendPredictions, greedyEnsembleSelection } from '../models/ensemble/greedy-selection.js';
import type { Fold } from './cv/folds.js';

export interface EnsembleOptions {
  readonly metric: Metric;
  /** Greedy steps. */
  readonly iterations: number;
  /** Members below this weight are dropped (the rest renormalised); 0 keeps every pick. */
  readonly minWeight: number;
}

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

/** The ensemble options a run's selection config asks for. */
export function ensembleOptions(
  cfg: { selection: { ensemble_iterations: number; ensemble_min_weight: number } },
  metric: Metric,
): EnsembleOptions {
  return {
    metric,
    iterations: cfg.selection.ensemble_iterations,
    minWeight: cfg.selection.ensemble_min_weight,
  };
}

/** `oof[m][r]`: member m's out-of-fold predictions of repeat r. */
export function cvEnsemble(
  oof: readonly (readonly Float64Array[])[],
  y: Float64Array,
  folds: readonly Fold[],
  o: EnsembleOptions,
): CvEnsemble {
  const nRepeats = oof[0].length;
  const out = Array.from({ length: nRepeats }, () => new Float64Array(y.length));
  const foldScores = new Float64Array(folds.length);
  folds.forEach((fold, f) => {
    const preds = oof.map((perRepeat) => perRepeat[fold.repeat]);
    const w = select(preds, y, fold.fit, o).weights;
    const held = blendPredictions(
      preds.map((p) => pick(p, fold.held)),
      w,
    );
    for (let k = 0; k < fold.held.length; k++) out[fold.repeat][fold.held[k]] = held[k];
    foldScores[f] = o.metric.compute(pick(y, fold.held), held);
  });
  const mean = oof.map((perRepeat) => meanOf(perRepeat));
  return { ...weighted(mean, y, o), foldScores, oof: out };
}

/** `val[m]`: member m's predictions for the VAL rows. */
export function holdoutEnsemble(
  val: readonly Float64Array[],
  y: Float64Array,
  o: EnsembleOptions,
  seed: number,
): HoldoutEnsemble {
  const n = y.length;
  const perm = new Rng(seed ^ 0x3c6ef372).permutation(n);
  const halves = [perm.subarray(0, n >> 1).sort(), perm.subarray(n >> 1).sort()];
  const valPred = new Float64Array(n);
  for (let h = 0; h < 2; h++) {
    const w = select(val, y, halves[h], o).weights;
    const other = halves[1 - h];
    const p = blendPredictions(
      val.map((v) => pick(v, other)),
      w,
    );
    for (let k = 0; k < other.length; k++) valPred[other[k]] = p[k];
  }
  return { ...weighted(val, y, o), valPred };
}

function select(preds: readonly Float64Array[], y: Float64Array, rows: Uint32Array, o: EnsembleOptions) {
  return weighted(
    preds.map((p) => pick(p, rows)),
    pick(y, rows),
    o,
  );
}

/** Greedy weights on all the given rows, small weights dropped. */
function weighted(preds: readonly Float64Array[], y: Float64Array, o: EnsembleOptions): EnsembleWeights {
  const g = greedyEnsembleSelection(preds, y, { iterations: o.iterations, metric: o.metric });
  return { weights: prune(g.weights, o.minWeight), kept: g.kept };
}

/** Weights below `min` set to 0, the rest scaled to sum 1 (the largest weight always stays). */
export function prune(weights: Float64Array, min: number): Float64Array {
  const max = Math.max(...weights);
  const out = weights.map((w) => (w >= min || w === max ? w : 0));
  const total = out.reduce((a, b) => a + b, 0);
  return out.map((w) => w / total);
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
