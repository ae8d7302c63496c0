/**
 * The `ensemble` candidate as the pipeline sees it: the final models of the members the greedy
 * selection weighted, combined into one FittedEnsemble that takes the input matrix of one
 * preprocessor (ordinal when the run has one: one-hot members get its exact expansion).
 */
import { FittedEnsemble } from '../models/ensemble/fitted-ensemble.js';
import type { FeatureInfo, InputEncoding } from '../models/regressor.js';
import type { CandidateResult, TrainedCandidate } from './model-trainer.js';

/** The candidate name of the ensemble, made unique against the configured candidates. */
export function ensembleName(taken: readonly string[]): string {
  let name = 'ensemble';
  for (let k = 2; taken.includes(name); k++) name = `ensemble_${k}`;
  return name;
}

export interface EnsembleInput {
  readonly name: string;
  /** The members (final models fitted) and their weights, in the same order. */
  readonly members: readonly TrainedCandidate[];
  readonly weights: Float64Array;
  /** Actual matrix encoding of each member's preprocessor. */
  readonly memberEncoding: (t: TrainedCandidate) => InputEncoding;
  /** The requested encoding whose preprocessor feeds the ensemble, its actual encoding and features. */
  readonly input: { requested: InputEncoding; actual: InputEncoding; features: readonly FeatureInfo[] };
  readonly iterations: number;
  readonly kept: number;
  /** The selection metric the weights optimised, and the folds they were chosen over (cv). */
  readonly metric: string;
  readonly folds?: number;
  readonly seconds: number;
  readonly notes: string[];
}

export function ensembleCandidate(o: EnsembleInput): TrainedCandidate {
  const members = o.members.map((t, m) => ({
    name: t.spec.name,
    encoding: o.memberEncoding(t),
    weight: o.weights[m],
    model: t.fitted!,
  }));
  const fitted = FittedEnsemble.build({
    members,
    input: o.input.actual,
    features: o.input.features,
    params: {
      members: [...new Set(members.filter((m) => m.weight > 0).map((m) => m.model.kind))].join(','),
      iterations: o.iterations,
      metric: o.metric,
      ...(o.folds ? { folds: o.folds } : {}),
    },
    notes: o.notes,
  });
  const weights = Object.fromEntries(
    members.filter((m) => m.weight > 0).map((m) => [m.name, Number(m.weight.toFixed(6))]),
  );
  const params = { members: weights, iterations: o.iterations, kept: o.kept };
  const result: CandidateResult = {
    name: o.name,
    model: 'ensemble',
    status: 'ok',
    params,
    encoding: o.input.requested,
    fit_seconds: o.seconds,
    notes: [...o.notes],
  };
  const kept = o.members.filter((_, m) => o.weights[m] !== 0);
  return {
    spec: { name: o.name, model: 'ensemble', params },
    result,
    fitted,
    blendOf: { members: kept, weights: fitted.members.map((m) => m.weight) },
  };
}

/** "gbdt 0.48, random_forest 0.32, svr 0.20": the members with weight, heaviest first. */
export function describeWeights(weights: Readonly<Record<string, number>>): string {
  return Object.entries(weights)
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([n, v]) => `${n} ${v.toFixed(2)}`)
    .join(', ');
}
