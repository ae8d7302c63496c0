/**
 * Greedy forward ensemble selection with replacement (Caruana et al. 2004, "Ensemble selection
 * from libraries of models"; AutoGluon's WeightedEnsemble): start from the empty ensemble; at each
 * iteration add the member whose addition gives the best score of the averaged predictions (a
 * member may be added again); weights are the times each member was added over the number of
 * additions. As AutoGluon does, the ensemble kept is the best prefix of the additions, so its score
 * is never worse than the best single member's (iteration 1) on the rows it was selected on.
 */
import { ModelError } from '../../core/errors.js';
import { METRICS, type Metric } from '../../metrics/regression.js';

/** Greedy ensemble selection's additions and the metric it optimises. */
export interface GreedySelectionOptions {
  /** Additions (default 25). */
  readonly iterations?: number;
  /** Score to optimise (default r2); its `greaterIsBetter` gives the direction. */
  readonly metric?: Metric;
}

/**
 * What greedy selection chose: weights per member, the score after each addition and the prefix
 * kept.
 */
export interface GreedySelection {
  /** Per member: counts / kept, summing to 1. */
  readonly weights: Float64Array;
  /** Per member: times it was added within the kept prefix. */
  readonly counts: Uint32Array;
  /** Score of the averaged ensemble after each of the `iterations` additions. */
  readonly scores: Float64Array;
  /** Additions kept: the first iteration (1-based) with the best score. */
  readonly kept: number;
  /** Members left out because some prediction was not finite. */
  readonly skipped: readonly number[];
}

export const DEFAULT_ITERATIONS = 25;

/**
 * Select weights for `preds` (one prediction vector per member, each aligned with `y`). Ties go to
 * the lowest member index, so the result is deterministic. O(iterations × members × metric(n)).
 */
export function greedyEnsembleSelection(
  preds: readonly Float64Array[],
  y: Float64Array,
  opts: GreedySelectionOptions = {},
): GreedySelection {
  const iterations = opts.iterations ?? DEFAULT_ITERATIONS;
  const metric = opts.metric ?? METRICS.r2;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`greedyEnsembleSelection: iterations = ${iterations}; expected an integer ≥ 1`);
  }
  const n = y.length;
  const M = preds.length;
  const skipped: number[] = [];
  preds.forEach((p, m) => {
    if (p.length !== n) {
      throw new RangeError(`greedyEnsembleSelection: preds[${m}] has ${p.length} values but y has ${n}`);
    }
    if (!p.every(Number.isFinite)) skipped.push(m);
  });
  if (skipped.length === M) {
    throw new ModelError(
      'no_finite_member',
      `ensemble selection: none of the ${M} members has finite predictions on every row`,
    );
  }
  const usable = new Uint8Array(M).fill(1);
  for (const m of skipped) usable[m] = 0;
  // Lower is better below whatever the metric; a NaN score is the worst.
  const lossOf = (score: number) =>
    !Number.isNaN(score) ? (metric.greaterIsBetter ? -score : score) : Number.POSITIVE_INFINITY;

  const sum = new Float64Array(n);
  const trial = new Float64Array(n);
  const chosen = new Int32Array(iterations);
  const scores = new Float64Array(iterations);
  for (let t = 0; t < iterations; t++) {
    const inv = 1 / (t + 1);
    let best = -1;
    let bestLoss = 0;
    let bestScore = Number.NaN;
    for (let m = 0; m < M; m++) {
      if (!usable[m]) continue;
      const p = preds[m];
      for (let i = 0; i < n; i++) trial[i] = (sum[i] + p[i]) * inv;
      const score = metric.compute(y, trial);
      const loss = lossOf(score);
      // Strictly better only: the lowest index wins ties.
      if (best < 0 || loss < bestLoss) {
        best = m;
        bestLoss = loss;
        bestScore = score;
      }
    }
    const p = preds[best];
    for (let i = 0; i < n; i++) sum[i] += p[i];
    chosen[t] = best;
    scores[t] = bestScore;
  }

  let kept = 1;
  for (let t = 1; t < iterations; t++) {
    if (lossOf(scores[t]) < lossOf(scores[kept - 1])) kept = t + 1;
  }
  const counts = new Uint32Array(M);
  for (let t = 0; t < kept; t++) counts[chosen[t]]++;
  const weights = new Float64Array(M);
  for (let m = 0; m < M; m++) weights[m] = counts[m] / kept;
  return { weights, counts, scores, kept, skipped };
}

/** Σ_m weights[m] · preds[m] (members with weight 0 are not read). */
export function blendPredictions(preds: readonly Float64Array[], weights: ArrayLike<number>): Float64Array {
  if (preds.length !== weights.length) {
    throw new RangeError(
      `blendPredictions: ${preds.length} prediction vectors but ${weights.length} weights`,
    );
  }
  const n = preds.length ? preds[0].length : 0;
  const out = new Float64Array(n);
  for (let m = 0; m < preds.length; m++) {
    const w = weights[m];
    if (w === 0) continue;
    const p = preds[m];
    if (p.length !== n) {
      throw new RangeError(`blendPredictions: preds[${m}] has ${p.length} values but preds[0] has ${n}`);
    }
    for (let i = 0; i < n; i++) out[i] += w * p[i];
  }
  return out;
}
