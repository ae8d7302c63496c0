/**
 * A warning, never a reselection: TEST only measures, so when a candidate that was not selected
 * scores better on TEST than the selected one by more than the selection's own standard error,
 * the run says so (CLI, results.json, report) and keeps its choice.
 */

import type { SelectionWarningJson } from '../artifacts/run-json.js';
import { getMetric, isBetter, type MetricName } from '../metrics/regression.js';
import type { CandidateResult } from './model-trainer.js';

/** A candidate not selected that beat the selected one on TEST (the results.json record). */
export type SelectionWarning = SelectionWarningJson;

/**
 * `se`: the standard error of the selected candidate's selection score (cross-validation:
 * sd/√folds; holdout: bootstrap over VAL rows).
 */
export function selectionWarnings(
  models: readonly CandidateResult[],
  selected: string,
  metricName: MetricName,
  se: number,
  method: 'cv' | 'holdout' = 'holdout',
): SelectionWarning[] {
  const steadier =
    method === 'cv'
      ? 'more data, or more folds and repeats (selection.folds, selection.repeats), make the choice steadier; ' +
        'TEST R² on a few hundred rows is itself noisy when a few rows dominate the squared errors'
      : 'cross-validated selection (selection.method: cv) or a larger VAL (split.val) makes the choice steadier';
  const metric = getMetric(metricName);
  const best = models.find((m) => m.name === selected);
  const bestTest = best?.metrics?.test?.[metricName];
  if (bestTest === undefined || !Number.isFinite(se)) return [];
  const out: SelectionWarning[] = [];
  for (const m of models) {
    const v = m.metrics?.test?.[metricName];
    if (m.name === selected || m.status !== 'ok' || v === undefined) continue;
    const gap = metric.greaterIsBetter ? v - bestTest : bestTest - v;
    if (!isBetter(metric, v, bestTest) || gap <= se) continue;
    out.push({
      code: 'test_beats_selected',
      candidate: m.name,
      selected,
      metric: metricName,
      candidate_test: v,
      selected_test: bestTest,
      se,
      message:
        `${m.name} scores better on TEST than the selected ${selected} (${metricName} ${fmt(v)} vs ${fmt(bestTest)}), ` +
        `by more than the selection's standard error (${fmt(se)}). The selection stands — TEST only measures — ` +
        `but it may be noise: ${steadier}`,
    });
  }
  return out;
}

const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(1) : x.toPrecision(4));
