/**
 * Split-conformal prediction intervals. Calibrated once at training time on the VAL residuals of
 * the selected model (rows the model was not fitted on), so for a new row exchangeable with
 * them, P(y ∈ [ŷ − q·σ(x), ŷ + q·σ(x)]) ≥ coverage. q is the ⌈(n+1)·coverage⌉-th smallest score
 * (the finite-sample correction; q = ∞ when n is too small for the coverage asked).
 *
 * absolute: score |y − ŷ|, σ ≡ 1 — one width for every row.
 * adaptive: score |y − ŷ| / σ(x), σ a difficulty model of |residual| fitted on TRAIN rows only,
 * so the guarantee still holds (σ does not depend on VAL) while widths follow the local error.
 * auto (the default): whichever of the two has the lower interval score on VAL, cross-fitted —
 * each half of VAL scored with the quantile of the other half — then calibrated on all of VAL.
 * The interval score, width + (2/α)·miss distance, is a proper scoring rule for a central
 * (1 − α) interval: it prefers narrow intervals, and pays for every miss by how far it missed.
 * Choosing between two candidates costs the guarantee next to nothing.
 */
import type { CalibrationJson, IntervalQuality } from '../artifacts/run-folder.js';
import { decodeNumber, encodeNumber } from '../core/codec.js';
import { ArtifactError } from '../core/errors.js';
import { type Matrix, takeRows } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { sortFloat64 } from '../core/sort.js';
import { createModel, loadModel } from '../models/families.js';
import type { FeatureInfo, FittedRegressor } from '../models/regressor.js';

/**
 * Split-conformal intervals of constant width (`absolute`) or scaled by a per-row difficulty
 * estimate (`adaptive`).
 */
export type IntervalMode = 'absolute' | 'adaptive';
/** What the config asks for: a mode, or `auto` to choose on VAL. */
export type IntervalMethod = IntervalMode | 'auto';

/** What metadata.json `calibration` holds, and interval quality on TEST: the run folder's format. */
export type { CalibrationJson, IntervalQuality };

/** The ⌈(n+1)·coverage⌉-th smallest score, or +∞ when that rank exceeds n. */
export function conformalQuantile(scores: Float64Array, coverage: number): { q: number; rank: number } {
  const n = scores.length;
  const rank = Math.ceil((n + 1) * coverage - 1e-9);
  if (rank > n || n === 0) return { q: Number.POSITIVE_INFINITY, rank };
  const s = sortFloat64(scores);
  return { q: s[rank - 1], rank };
}

export interface CalibrateInput {
  model: FittedRegressor;
  /**
   * The model's predictions for the VAL rows, when already made; for an ensemble whose weights
   * were chosen on VAL, the cross-fitted ones (each row predicted by weights chosen without it).
   */
  valPred?: Float64Array;
  features: readonly FeatureInfo[];
  train: { X: Matrix; y: Float64Array };
  val: { X: Matrix; y: Float64Array };
  coverage: number;
  mode: IntervalMethod;
  seed: number;
}

/** VAL rows below which `auto` keeps absolute intervals without comparing. */
export const MIN_AUTO_ROWS = 100;

/**
 * Calibrate a model's conformal intervals on the VAL residuals; `auto` picks the mode with the
 * lower interval score on VAL.
 */
export async function calibrateIntervals(input: CalibrateInput): Promise<Intervals> {
  const { model, val, coverage } = input;
  const pv = input.valPred ?? model.predict(val.X);
  const residual = new Float64Array(pv.length);
  for (let i = 0; i < pv.length; i++) residual[i] = Math.abs(val.y[i] - pv[i]);
  let mode: IntervalMode = input.mode === 'auto' ? 'absolute' : input.mode;
  let difficulty: CalibrationJson['difficulty'];
  let sigma: Float64Array | null = null;
  let chosenBy: CalibrationJson['chosen_by'];
  if (input.mode === 'auto' && pv.length < MIN_AUTO_ROWS) {
    // Halves of a few dozen rows cannot tell two interval shapes apart: keep the simpler one.
    chosenBy = { criterion: 'too_few_val_rows', rows: pv.length, min: MIN_AUTO_ROWS };
  } else if (input.mode !== 'absolute') {
    const fitted = await fitDifficulty(input);
    const choice = input.mode === 'auto' ? chooseMode(fitted, residual, input) : null;
    if (choice) chosenBy = choice.chosenBy;
    if (!choice || choice.adaptive) {
      mode = 'adaptive';
      difficulty = { model: fitted.model.toJSON(), floor: fitted.floor };
      sigma = choice?.sigma() ?? sigmaOf(fitted.model, fitted.floor, val.X);
    }
  }
  return calibrated({ residual, sigma, mode, coverage, difficulty, chosenBy });
}

/**
 * VAL rows `auto` compares the two interval shapes on, at most (a seeded sample beyond); the
 * chosen shape's quantile is then taken over every VAL row. Each shape's interval score is a
 * mean over the compared rows, cross-fitted over two halves: with 20,000 rows each half's
 * quantile sits within about ±0.3 coverage points of its target (√(0.9·0.1/10,000)) and the means'
 * relative standard error is about 1 % (less for their difference: both shapes score the same
 * residuals), so shapes the sample cannot tell apart differ by too little to matter. Comparing
 * on all 100,000 VAL rows of a 1M-row run predicted σ for 80,000 rows more, for the same choice.
 */
export const CHOICE_ROWS = 20_000;

/**
 * `auto`'s comparison of absolute and adaptive intervals on (a sample of) VAL, and σ on every
 * VAL row when adaptive wins. On at most CHOICE_ROWS rows the result is the comparison on all.
 */
function chooseMode(
  fitted: { model: FittedRegressor; floor: number },
  residual: Float64Array,
  input: CalibrateInput,
): { adaptive: boolean; chosenBy: CalibrationJson['chosen_by']; sigma: () => Float64Array } {
  const { X } = input.val;
  // The same seeded permutation as ever: its first CHOICE_ROWS rows are the sample, in halves.
  const rows = new Rng(input.seed).permutation(residual.length);
  const compared = rows.subarray(0, Math.min(rows.length, CHOICE_ROWS));
  const r = Float64Array.from(compared, (i) => residual[i]);
  const s = sigmaOf(fitted.model, fitted.floor, takeRows(X, compared));
  const order = Uint32Array.from(compared, (_, k) => k);
  const absolute = crossFitScore(r, null, order, input.coverage);
  const adaptive = crossFitScore(r, s, order, input.coverage);
  return {
    // Strictly better, or absolute: the simpler intervals win a tie (and a VAL too small to score).
    adaptive: adaptive < absolute,
    chosenBy: {
      criterion: 'interval_score',
      absolute: encodeNumber(absolute),
      adaptive: encodeNumber(adaptive),
      ...(compared.length < rows.length ? { compared_rows: compared.length } : {}),
    },
    sigma: () => {
      const all = new Float64Array(residual.length);
      compared.forEach((i, k) => {
        all[i] = s[k];
      });
      const rest = rows.subarray(compared.length);
      if (rest.length) {
        const more = sigmaOf(fitted.model, fitted.floor, takeRows(X, rest));
        rest.forEach((i, k) => {
          all[i] = more[k];
        });
      }
      return all;
    },
  };
}

/**
 * Intervals from the conformal quantile of the scores |residual| / σ (σ ≡ 1 when absolute),
 * whatever rows the residuals came from (VAL, or out of fold).
 */
export function calibrated(o: {
  residual: Float64Array;
  sigma: Float64Array | null;
  mode: IntervalMode;
  coverage: number;
  difficulty?: CalibrationJson['difficulty'];
  chosenBy?: CalibrationJson['chosen_by'];
  calibratedOn?: CalibrationJson['calibrated_on'];
}): Intervals {
  const { residual, sigma } = o;
  const scores = sigma ? residual.map((r, i) => r / sigma[i]) : residual;
  const { q, rank } = conformalQuantile(scores, o.coverage);
  return new Intervals({
    method: 'split_conformal',
    mode: o.mode,
    coverage: o.coverage,
    ...(o.calibratedOn ? { calibrated_on: o.calibratedOn } : {}),
    n: residual.length,
    rank,
    q: encodeNumber(q),
    ...(o.difficulty ? { difficulty: o.difficulty } : {}),
    ...(o.chosenBy ? { chosen_by: o.chosenBy } : {}),
  });
}

/**
 * Mean interval score of the symmetric intervals ŷ ± q·σ over VAL, each half (of the seeded
 * permutation `rows`) judged with the quantile calibrated on the other half. ∞ when a half is
 * too small for the coverage.
 */
function crossFitScore(
  residual: Float64Array,
  sigma: Float64Array | null,
  rows: Uint32Array,
  coverage: number,
): number {
  const n = rows.length;
  const half = n >> 1;
  const parts = [rows.subarray(0, half), rows.subarray(half)];
  const alpha = 1 - coverage;
  let total = 0;
  for (let k = 0; k < 2; k++) {
    const cal = parts[k];
    const judged = parts[1 - k];
    const { q } = conformalQuantile(
      Float64Array.from(cal, (i) => residual[i] / (sigma ? sigma[i] : 1)),
      coverage,
    );
    if (!Number.isFinite(q)) return Number.POSITIVE_INFINITY;
    for (const i of judged) {
      const h = q * (sigma ? sigma[i] : 1);
      total += 2 * h + (2 / alpha) * Math.max(0, residual[i] - h);
    }
  }
  return n ? total / n : Number.POSITIVE_INFINITY;
}

/** TRAIN rows the difficulty model learns from, at most (a seeded sample beyond). */
export const DIFFICULTY_ROWS = 10_000;

/**
 * σ(x) ≈ E|residual| from a small boosted model on TRAIN residuals of the selected model, on a
 * seeded sample of at most DIFFICULTY_ROWS rows: predicting every TRAIN row with a slow model (a
 * 20,000-vector SVR, an ensemble) cost more than the rest of calibration, for a σ no better.
 */
async function fitDifficulty(input: CalibrateInput): Promise<{ model: FittedRegressor; floor: number }> {
  const { model, features, seed } = input;
  let { X, y } = input.train;
  if (y.length > DIFFICULTY_ROWS) {
    const idx = new Rng(seed ^ 0x6a09e667).permutation(y.length).subarray(0, DIFFICULTY_ROWS).sort();
    X = takeRows(X, idx);
    y = Float64Array.from(idx, (i) => input.train.y[i]);
  }
  const pt = model.predict(X);
  const r = new Float64Array(pt.length);
  for (let i = 0; i < r.length; i++) r[i] = Math.abs(y[i] - pt[i]);
  return fitDifficultyOn(X, r, features, seed);
}

/** The difficulty model σ(x): a small boosted model of |residual|, the same in every mode. */
export const DIFFICULTY_MODEL = {
  kind: 'gbdt',
  params: {
    max_iter: 100,
    learning_rate: 0.05,
    max_leaves: 15,
    min_samples_leaf: 20,
    early_stopping: 'false',
  },
} as const;

/** Fits a model of a kind with params on (X, y); lets a caller run the fit elsewhere (a worker). */
export type Fitter = (
  kind: string,
  params: Record<string, unknown>,
  X: Matrix,
  y: Float64Array,
  features: readonly FeatureInfo[],
  seed: number,
) => Promise<FittedRegressor>;

/** Fits in this thread, single-threaded. */
export const fitHere: Fitter = (kind, params, X, y, features, seed) =>
  createModel(kind, params).fit(X, y, { features, seed, threads: 1 });

/** σ(x) ≈ E|residual| on the rows X from their absolute residuals r, with a floor away from 0. */
export async function fitDifficultyOn(
  X: Matrix,
  r: Float64Array,
  features: readonly FeatureInfo[],
  seed: number,
  fit: Fitter = fitHere,
): Promise<{ model: FittedRegressor; floor: number }> {
  let mean = 0;
  for (let i = 0; i < r.length; i++) mean += r[i] / r.length;
  const fitted = await fit(DIFFICULTY_MODEL.kind, { ...DIFFICULTY_MODEL.params }, X, r, features, seed);
  // A σ near 0 would make a score explode; the floor is a fraction of the mean |residual|.
  const floor = Math.max(0.1 * mean, 1e-12);
  return { model: fitted, floor };
}

export function sigmaOf(m: FittedRegressor, floor: number, X: Matrix): Float64Array {
  const s = m.predict(X);
  for (let i = 0; i < s.length; i++) s[i] = Math.max(s[i], floor);
  return s;
}

/** Calibrated intervals, ready to apply to new predictions. */
export class Intervals {
  readonly json: CalibrationJson;
  readonly coverage: number;
  readonly q: number;
  private readonly difficulty: FittedRegressor | null;
  private readonly floor: number;

  constructor(json: CalibrationJson) {
    this.json = json;
    this.coverage = json.coverage;
    this.q = decodeNumber(json.q, 'calibration.q');
    this.difficulty = json.difficulty ? loadModel(json.difficulty.model) : null;
    this.floor = json.difficulty?.floor ?? 0;
  }

  static fromJson(json: unknown): Intervals {
    const c = json as CalibrationJson;
    if (c?.method !== 'split_conformal' || typeof c.coverage !== 'number') {
      throw new ArtifactError(
        'bad_calibration',
        `metadata.json calibration = ${JSON.stringify(json)?.slice(0, 80)} is not a split-conformal calibration`,
      );
    }
    return new Intervals(c);
  }

  /** Lower and upper bounds around `pred` (the rows of X the predictions came from). */
  bounds(pred: Float64Array, X: Matrix): { lower: Float64Array; upper: Float64Array } {
    const sigma = this.difficulty ? sigmaOf(this.difficulty, this.floor, X) : null;
    const lower = new Float64Array(pred.length);
    const upper = new Float64Array(pred.length);
    for (let i = 0; i < pred.length; i++) {
      const h = this.q * (sigma ? sigma[i] : 1);
      lower[i] = pred[i] - h;
      upper[i] = pred[i] + h;
    }
    return { lower, upper };
  }

  /** Empirical coverage and mean width on held-out rows. */
  evaluate(pred: Float64Array, X: Matrix, y: Float64Array): IntervalQuality {
    const { lower, upper } = this.bounds(pred, X);
    let hit = 0;
    let width = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] >= lower[i] && y[i] <= upper[i]) hit++;
      width += upper[i] - lower[i];
    }
    const n = y.length;
    return { coverage: n ? hit / n : Number.NaN, mean_width: n ? width / n : Number.NaN, n };
  }
}
