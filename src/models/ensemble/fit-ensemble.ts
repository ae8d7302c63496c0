/**
 * `ensemble.fit` on its own (without a training pipeline's candidates): K-fold out-of-fold
 * predictions of every member spec, greedy selection of weights on them, then the chosen members
 * refitted on all rows. A member whose family wants one-hot columns is fitted on the one-hot
 * expansion of X. The held-out fold is each fold fit's `val` (members with early stopping use it,
 * as AutoGluon's bagged models do); the final refits get `ctx.val` when given, and otherwise the
 * family's `refitParams` (gbdt: the mean of the rounds its folds kept, without early stopping).
 */
import { ModelError } from '../../core/errors.js';
import { type Matrix, takeRows } from '../../core/matrix.js';
import { Rng } from '../../core/random.js';
import { METRICS, type Metric } from '../../metrics/regression.js';
import { createModel, getFamily } from '../families.js';
import { checkFitInput, type FeatureInfo, type FitContext, type Regressor } from '../regressor.js';
import { type EnsembleMember, FittedEnsemble } from './fitted-ensemble.js';
import { type GreedySelection, greedyEnsembleSelection } from './greedy-selection.js';
import { type MemberSpec, parseMemberSpecs } from './member-specs.js';
import { expandedFeatures, expandOnehot, onehotLayout } from './onehot-expansion.js';
import type { EnsembleParams } from './params.js';

interface Plan {
  readonly spec: MemberSpec;
  readonly regressor: Regressor;
  /** Rounds each fold's model kept (`FittedRegressor.iterations`), for the refit without `val`. */
  readonly foldIterations: number[];
  /** Fitted on the one-hot expansion of X. */
  readonly expand: boolean;
}

/** What one member's fits need: its X, feature descriptions and validation rows. */
interface View {
  readonly X: Matrix;
  readonly features: readonly FeatureInfo[];
  readonly val: FitContext['val'];
}

export async function fitEnsemble(
  params: Readonly<EnsembleParams>,
  X: Matrix,
  y: Float64Array,
  ctx: FitContext,
): Promise<FittedEnsemble> {
  checkFitInput('ensemble', X, y);
  const n = X.rows;
  if (n < 2) throw new ModelError('too_few_rows', `ensemble: ${n} training row; K-fold selection needs ≥ 2`);
  const features = inputFeatures(ctx.features, X.cols);
  const layout = onehotLayout(features);
  const plans: Plan[] = parseMemberSpecs(params.members).map((spec) => ({
    spec,
    regressor: createModel(spec.kind, spec.params, `ensemble.members[${spec.name}]`),
    foldIterations: [],
    expand: layout.hasCategorical && getFamily(spec.kind).input === 'onehot',
  }));
  const narrow: View = { X, features, val: ctx.val };
  const wide: View | null = plans.some((p) => p.expand)
    ? {
        X: expandOnehot(X, layout),
        features: expandedFeatures(features, layout),
        val: ctx.val && { X: expandOnehot(ctx.val.X, layout), y: ctx.val.y },
      }
    : null;
  const viewOf = (p: Plan) => (p.expand && wide ? wide : narrow);
  const K = Math.min(params.folds, n);
  const steps = new FitSteps(ctx, plans.length * (K + 1));
  const oof = await outOfFold(plans, viewOf, foldsOf(n, K, ctx.seed), y, ctx, steps);
  const metric = METRICS[params.metric];
  const sel = greedyEnsembleSelection(oof, y, { iterations: params.iterations, metric });
  const members = await refitSelected(plans, sel, viewOf, y, ctx, steps);
  ctx.onProgress?.(1);
  const notes = selectionNotes(plans, oof, y, metric, sel, members, K, params.iterations);
  return FittedEnsemble.build({ members, input: 'ordinal', features, params: { ...params }, notes });
}

/** Abort checks and progress over the ensemble's fits (each member's folds and its refit). */
class FitSteps {
  private fits = 0;

  constructor(
    private readonly ctx: FitContext,
    private readonly total: number,
  ) {}

  /** Throws `aborted` when the signal has fired, naming the fit about to start. */
  before(what: string): void {
    const signal = this.ctx.signal;
    if (signal?.aborted) {
      const why = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
      throw new ModelError('aborted', `ensemble: training aborted before ${what}${why}`);
    }
  }

  done(): void {
    this.ctx.onProgress?.(++this.fits / this.total);
  }
}

/** Each member's predictions on the rows its fold held out, from a fit on the other folds. */
async function outOfFold(
  plans: readonly Plan[],
  viewOf: (p: Plan) => View,
  folds: { fit: Uint32Array; held: Uint32Array }[],
  y: Float64Array,
  ctx: FitContext,
  steps: FitSteps,
): Promise<Float64Array[]> {
  const oof = plans.map(() => new Float64Array(y.length));
  for (let m = 0; m < plans.length; m++) {
    const plan = plans[m];
    const v = viewOf(plan);
    for (let k = 0; k < folds.length; k++) {
      steps.before(`fold ${k + 1} of member "${plan.spec.name}"`);
      const { fit, held } = folds[k];
      const Xheld = takeRows(v.X, held);
      const yHeld = Float64Array.from(held, (i) => y[i]);
      const model = await plan.regressor.fit(
        takeRows(v.X, fit),
        Float64Array.from(fit, (i) => y[i]),
        {
          features: v.features,
          seed: ctx.seed,
          threads: ctx.threads,
          signal: ctx.signal,
          val: { X: Xheld, y: yHeld },
        },
      );
      if (model.iterations !== undefined) plan.foldIterations.push(model.iterations);
      const p = model.predict(Xheld);
      for (let q = 0; q < held.length; q++) oof[m][held[q]] = p[q];
      steps.done();
    }
  }
  return oof;
}

/** The members the selection picked (count > 0), refitted on all rows, with their weights. */
async function refitSelected(
  plans: readonly Plan[],
  sel: GreedySelection,
  viewOf: (p: Plan) => View,
  y: Float64Array,
  ctx: FitContext,
  steps: FitSteps,
): Promise<EnsembleMember[]> {
  const members: EnsembleMember[] = [];
  for (let m = 0; m < plans.length; m++) {
    if (sel.counts[m] === 0) continue;
    const plan = plans[m];
    const v = viewOf(plan);
    steps.before(`the final fit of member "${plan.spec.name}"`);
    const model = await refitRegressor(plan, !!v.val).fit(v.X, y, {
      features: v.features,
      seed: ctx.seed,
      threads: ctx.threads,
      signal: ctx.signal,
      val: v.val,
    });
    steps.done();
    members.push({
      name: plan.spec.name,
      encoding: plan.expand ? 'onehot' : 'ordinal',
      weight: sel.weights[m],
      model,
    });
  }
  return members;
}

/** The fitted ensemble's notes: each member's out-of-fold score, the ensemble's, the weights. */
function selectionNotes(
  plans: readonly Plan[],
  oof: Float64Array[],
  y: Float64Array,
  metric: Metric,
  sel: GreedySelection,
  members: readonly EnsembleMember[],
  K: number,
  iterations: number,
): string[] {
  const fmt = (x: number) => String(Number.isFinite(x) ? Number(x.toPrecision(4)) : x);
  const single = plans.map((p, m) => `${p.spec.name} ${fmt(metric.compute(y, oof[m]))}`);
  const notes = [
    `ensemble: ${K}-fold out-of-fold ${metric.name}: ${single.join(', ')}; ` +
      `weighted ensemble ${fmt(sel.scores[sel.kept - 1])} ` +
      `(best ${sel.kept} of ${iterations} greedy additions kept)`,
    `ensemble: weights ${members.map((m) => `${m.name} ${fmt(m.weight)}`).join(', ')}`,
  ];
  if (sel.skipped.length) {
    notes.push(
      `ensemble: left out ${sel.skipped.map((m) => plans[m].spec.name).join(', ')}: ` +
        'non-finite out-of-fold predictions',
    );
  }
  return notes;
}

/** The member's regressor for the refit on all rows: with `val`, as in the folds. */
function refitRegressor(plan: Plan, hasVal: boolean): Regressor {
  const family = getFamily(plan.spec.kind);
  if (hasVal || !family.refitParams) return plan.regressor;
  const params = family.refitParams(plan.regressor.params, plan.foldIterations);
  return createModel(plan.spec.kind, params, `ensemble.members[${plan.spec.name}]`);
}

/** ctx.features, or numeric `x<j>` descriptions when none were given. */
function inputFeatures(given: readonly FeatureInfo[], cols: number): readonly FeatureInfo[] {
  if (given.length === 0 && cols > 0) {
    return Array.from({ length: cols }, (_, j) => ({ name: `x${j}`, kind: 'numeric', source: `x${j}` }));
  }
  if (given.length !== cols) {
    throw new RangeError(`ensemble.fit: ${given.length} feature descriptions for X with ${cols} columns`);
  }
  return given;
}

/** K folds over n rows: a seeded shuffle dealt in turn, so fold sizes differ by at most one. */
export function foldsOf(n: number, K: number, seed: number): { fit: Uint32Array; held: Uint32Array }[] {
  const perm = new Rng(seed).permutation(n);
  const foldOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) foldOf[perm[i]] = i % K;
  const out: { fit: Uint32Array; held: Uint32Array }[] = [];
  for (let k = 0; k < K; k++) {
    let h = 0;
    for (let i = 0; i < n; i++) if (foldOf[i] === k) h++;
    const held = new Uint32Array(h);
    const fit = new Uint32Array(n - h);
    for (let i = 0, a = 0, b = 0; i < n; i++) {
      if (foldOf[i] === k) held[a++] = i;
      else fit[b++] = i;
    }
    out.push({ fit, held });
  }
  return out;
}
