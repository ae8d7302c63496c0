/**
 * Scoring a request during an A/B experiment. Each row gets an arm (`assignArm`: sticky by the
 * hashed key field, else random); the champion's rows and the challenger's rows go to their own
 * model (each model has its own micro-batcher, so two models' rows never share a predict call)
 * and the results are merged back in request order, renumbered. In shadow mode the champion
 * answers every row; the challenger's predictions are made later, off the response path.
 *
 * The key field is an entity id, not a model input: it is removed from the records before
 * validation (unless a model has a feature of that name), so the contract does not flag it and
 * the log does not keep it as an input.
 */
import { type Arm, assignArm } from '../experiment/assign.js';
import type { ActiveExperiment } from './experiment-follower.js';
import type { ModelView } from './model-view.js';
import type { PredictOptions, RowPrediction } from './pipeline-port.js';
import type { InputRecord } from './request-records.js';

/** The running experiment as a request sees it: its challenger's view, built once per experiment. */
export interface ArmsView {
  readonly active: ActiveExperiment;
  readonly challenger: ModelView;
}

/** A request's rows scored by their arms. */
export interface ArmsScore {
  /** In request order; `row` and issue rows are request row indices. */
  results: RowPrediction[];
  /** Arm of each row; null outside an experiment. */
  arms: Arm[] | null;
  /** The records as validated and logged (key field removed). */
  input: InputRecord[];
}

/**
 * `records` scored by the model of `v`: on its explain thread for explanations, else through its
 * micro-batcher (or the pipeline directly).
 */
export function predictWith(
  v: ModelView,
  records: readonly InputRecord[],
  opts: PredictOptions,
): Promise<RowPrediction[]> | RowPrediction[] {
  if (opts.explain && v.explainer) return v.explainer.predict(records, opts);
  return v.batcher ? v.batcher.predict(records, opts) : v.served.pipeline.predict(records, opts);
}

/**
 * Each row of `records` scored by its arm's model (the champion alone outside an experiment or in
 * shadow mode), merged back in request order.
 */
export async function scoreArms(
  champion: ModelView,
  ex: ArmsView | null,
  records: InputRecord[],
  opts: PredictOptions,
  random: () => number = Math.random,
): Promise<ArmsScore> {
  if (!ex) return { results: await predictWith(champion, records, opts), arms: null, input: records };
  const e = ex.active.experiment;
  const input = stripKey(records, e.key_field, champion, ex.challenger);
  if (e.shadow) {
    const results = await predictWith(champion, input, opts);
    return { results, arms: results.map(() => 'champion'), input };
  }
  const arms = records.map((r) => assignArm(e, r, random));
  const idx: [number[], number[]] = [[], []];
  for (let i = 0; i < arms.length; i++) idx[arms[i] === 'challenger' ? 1 : 0].push(i);
  const [a, b] = await Promise.all(
    ([champion, ex.challenger] as const).map((v, k) =>
      idx[k].length
        ? predictWith(
            v,
            idx[k].map((i) => input[i]),
            opts,
          )
        : [],
    ),
  );
  const results = new Array<RowPrediction>(records.length);
  [a, b].forEach((part, k) => {
    part.forEach((r, j) => {
      results[idx[k][j]] = renumber(r, idx[k][j]);
    });
  });
  return { results, arms, input };
}

/** Records without the key field, unless one of the models takes it as a feature. */
function stripKey(
  records: InputRecord[],
  key: string | null,
  champion: ModelView,
  challenger: ModelView,
): InputRecord[] {
  if (key === null || champion.featureNames.has(key) || challenger.featureNames.has(key)) return records;
  return records.map((r) => {
    if (!Object.hasOwn(r, key)) return r;
    const { [key]: _, ...rest } = r;
    return rest;
  });
}

function renumber(r: RowPrediction, row: number): RowPrediction {
  const shift = row - r.row;
  if (shift === 0) return r;
  return {
    ...r,
    row,
    warnings: r.warnings.map((i) => ({ ...i, row: i.row + shift })),
    errors: r.errors.map((i) => ({ ...i, row: i.row + shift })),
  };
}
