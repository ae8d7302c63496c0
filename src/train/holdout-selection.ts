/**
 * Selection on the VAL holdout (the seed's flow, and `auto` on large data): preprocessing and
 * every candidate are fitted on TRAIN (VAL only for early stopping), all are scored on TRAIN,
 * VAL and TEST, the ensemble's weights are chosen on VAL predictions (its VAL score
 * cross-fitted over two halves), and the best VAL score wins. Intervals calibrate on VAL.
 */
import { ModelError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { calibrateIntervals } from '../inference/conformal.js';
import { getMetric, type Metric, scoreAll } from '../metrics/regression.js';
import type { InputEncoding } from '../models/regressor.js';
import { describeWeights, ensembleCandidate, ensembleName } from './ensemble-candidate.js';
import { ensembleOptions, holdoutEnsemble } from './ensemble-step.js';
import { trainOnRunner } from './holdout-jobs.js';
import type { PreparedData, TrainedCandidate } from './model-trainer.js';
import {
  describePrepared,
  ensembleInput,
  type PreparedByEncoding,
  preparedFor,
  prepareEncodings,
} from './prepared.js';
import type { Selection, SelectionContext } from './selection.js';

export async function selectOnHoldout(ctx: SelectionContext<never>): Promise<Selection> {
  const { cfg, parts, trainer, stage } = ctx;
  // One preprocessor per encoding the candidates want, each fitted on TRAIN rows only.
  const prepared = await stage(
    'preprocess',
    () =>
      prepareEncodings(trainer.encodings(), cfg.preprocessing, {
        fit: parts.train,
        val: parts.val,
        test: parts.test,
      }),
    describePrepared,
  );
  const entry = (enc: InputEncoding) => preparedFor(prepared, enc);
  const dataFor = (enc: InputEncoding): PreparedData => entry(enc).data;

  const trained = await stage(
    'train',
    () => (ctx.runner ? trainOnRunner(trainer, ctx.runner, dataFor) : trainer.trainAll(dataFor)),
    (r) => `${r.filter((t) => t.fitted).length} of ${r.length} candidates trained`,
  );
  await stage(
    'evaluate',
    () => trainer.evaluateAll(trained, dataFor),
    () => 'R², RMSE, MAE, MAPE, median AE on train, val, test',
  );
  const { metric, on } = cfg.selection;
  const ok = trained.filter((t) => t.fitted && t.result.metrics?.val);
  const ens =
    cfg.selection.ensemble && ok.length >= 2 && on === 'val'
      ? await valEnsemble(ctx, ok, trained, prepared)
      : null;
  if (ens) trained.push(ens.candidate);
  const ensVal = ens?.valPred;
  const best = await stage(
    'select',
    () => trainer.selectBest(trained, metric, on),
    (b) =>
      b ? `${b.spec.name} (${metric} on ${on} = ${b.result.metrics?.[on]?.[metric]?.toFixed(4)})` : 'none',
  );
  if (!best?.fitted) throw allFailed(trained);
  const chosen = entry(best.result.encoding);
  const bestVal =
    best.spec.model === 'ensemble' && ensVal
      ? ensVal
      : (best.preds?.val ?? best.fitted.predict(chosen.data.val.X));
  return {
    se: bootstrapSe(parts.val.y, bestVal, getMetric(metric), cfg.training.seed),
    trained,
    best,
    chosen,
    fitted: { frame: parts.train.frame, y: parts.train.y },
    summary: `selected on VAL`,
    calibrate: ({ coverage, mode, seed }) => {
      const { features, train, val } = chosen.data;
      // The ensemble's weights were chosen on VAL: its residuals there come from the cross-fitted
      // predictions, so the intervals are calibrated on rows the weights did not see.
      return calibrateIntervals({
        model: best.fitted!,
        valPred: bestVal,
        features,
        train,
        val,
        coverage,
        mode,
        seed,
      });
    },
  };
}

/**
 * The ensemble of the fitted candidates, its weights chosen greedily on VAL predictions; its VAL
 * score and `valPred` are cross-fitted (weights from one half of VAL predict the other).
 */
async function valEnsemble(
  ctx: SelectionContext<never>,
  ok: readonly TrainedCandidate[],
  trained: readonly TrainedCandidate[],
  prepared: PreparedByEncoding,
): Promise<{ candidate: TrainedCandidate; valPred: Float64Array }> {
  const { cfg, parts, trainer } = ctx;
  const { metric } = cfg.selection;
  const entry = (enc: InputEncoding) => preparedFor(prepared, enc);
  const dataFor = (enc: InputEncoding): PreparedData => entry(enc).data;
  let valPred: Float64Array = new Float64Array(0);
  const candidate = await ctx.stage(
    'ensemble',
    () => {
      const t0 = performance.now();
      const input = ensembleInput(prepared);
      const w = holdoutEnsemble(
        ok.map((t) => t.preds?.val ?? t.fitted!.predict(dataFor(t.result.encoding).val.X)),
        parts.val.y,
        ensembleOptions(cfg, getMetric(metric)),
        cfg.training.seed,
      );
      const e = ensembleCandidate({
        name: ensembleName(trained.map((t) => t.spec.name)),
        members: ok,
        weights: w.weights,
        memberEncoding: (t) => entry(t.result.encoding).pre.encoding,
        input: { requested: input, actual: entry(input).pre.encoding, features: dataFor(input).features },
        iterations: cfg.selection.ensemble_iterations,
        kept: w.kept,
        metric,
        seconds: (performance.now() - t0) / 1000,
        notes: [
          `weights chosen greedily on VAL predictions; its VAL score is cross-fitted (weights from one half score the other)`,
        ],
      });
      trainer.evaluateAll([e], dataFor);
      // The honest VAL score replaces the in-sample one evaluateAll computed.
      e.result.metrics = { ...e.result.metrics, val: scoreAll(parts.val.y, w.valPred) };
      valPred = w.valPred;
      return e;
    },
    (e) => describeWeights(e.result.params.members as Record<string, number>),
  );
  return { candidate, valPred };
}

/**
 * VAL rows the bootstrap of the selection's standard error resamples at most. R², RMSE, MAE and
 * MAPE are smooth functions of row means and median AE is a sample quantile, so each is
 * asymptotically normal with standard error σ/√n (delta method): the bootstrap on a seeded sample
 * of m rows estimates σ/√m, and × √(m/n) gives the SE on all n rows. With m = 20,000 the sample's own error in σ (≈ 1/√(2m) relative for light tails,
 * 0.5 %) is small beside the 200 resamples' Monte Carlo error (1/√(2·200) = 5 %); resampling all
 * 100,000 VAL rows of a 1M-row run took 2 s for the same number.
 */
export const BOOTSTRAP_ROWS = 20_000;

/**
 * Bootstrap standard error of the metric over VAL rows (200 seeded resamples; above
 * {@link BOOTSTRAP_ROWS} rows, of a seeded sample, scaled to all rows).
 */
export function bootstrapSe(y: Float64Array, pred: Float64Array, metric: Metric, seed: number): number {
  if (y.length < 2) return Number.NaN;
  if (y.length <= BOOTSTRAP_ROWS) return bootstrapAll(y, pred, metric, seed);
  const idx = new Rng(seed ^ 0x1b873593).permutation(y.length).subarray(0, BOOTSTRAP_ROWS).sort();
  const ys = Float64Array.from(idx, (i) => y[i]);
  const ps = Float64Array.from(idx, (i) => pred[i]);
  return bootstrapAll(ys, ps, metric, seed) * Math.sqrt(BOOTSTRAP_ROWS / y.length);
}

/** Standard deviation of the metric over 200 seeded resamples of all the rows. */
function bootstrapAll(y: Float64Array, pred: Float64Array, metric: Metric, seed: number): number {
  const n = y.length;
  const rng = new Rng(seed ^ 0x2545f491);
  const B = 200;
  const ys = new Float64Array(n);
  const ps = new Float64Array(n);
  const v = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) {
      const k = rng.int(n);
      ys[i] = y[k];
      ps[i] = pred[k];
    }
    v[b] = metric.compute(ys, ps);
  }
  const mean = v.reduce((a, x) => a + x, 0) / B;
  return Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (B - 1));
}

export function allFailed(trained: readonly TrainedCandidate[]): ModelError {
  const why = trained.map((t) => `  - ${t.spec.name}: ${t.result.error ?? t.result.status}`).join('\n');
  return new ModelError('all_failed', `No candidate trained successfully:\n${why}`);
}
