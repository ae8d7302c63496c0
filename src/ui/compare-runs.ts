/**
 * Two to five runs side by side: their summaries, each candidate's scores in every run, and the
 * config keys and selected-model parameters whose values differ (the rest is equal and hidden).
 */
import { RunFolder } from '../artifacts/run-folder.js';
import { UsageError } from '../core/errors.js';
import type { Comparison, DiffRow } from './api-types.js';
import type { RunIndex } from './run-index.js';
import { readRunSummary } from './run-summary.js';

export type { Comparison, DiffRow };

/** How many runs one comparison holds. */
export const COMPARE_MIN = 2;
/** How many runs one comparison holds at most. */
export const COMPARE_MAX = 5;

/** Compares the runs `ids` of `index` (2–5 distinct ids, each an existing run). */
export function compareRuns(index: RunIndex, ids: string[]): Comparison {
  const unique = [...new Set(ids)];
  if (unique.length < COMPARE_MIN || unique.length > COMPARE_MAX) {
    throw new UsageError(
      'bad_compare',
      `ids must name ${COMPARE_MIN} to ${COMPARE_MAX} distinct runs; got ${unique.length} (${JSON.stringify(ids)})`,
    );
  }
  const folders = unique.map((id) => {
    const dir = index.dirOf(id);
    if (!dir) throw new UsageError('unknown_run', `ids: no run ${JSON.stringify(id)} in this models folder`);
    return { dir, folder: RunFolder.open(dir) };
  });
  const runs = folders.map(({ dir }) => readRunSummary(dir));
  const results = folders.map(({ folder }) => folder.results);
  const metric = results[0].selection.metric;
  const names = [...new Set(results.flatMap((r) => r.models.map((m) => m.name)))];
  return {
    runs,
    metric,
    candidates: names.map((name) => {
      const of = results.map((r) => r.models.find((m) => m.name === name));
      return {
        name,
        score: of.map((m) => (m?.cv?.complete ? m.cv.mean : metricOf(m?.metrics?.val, metric))),
        test: of.map((m) => metricOf(m?.metrics?.test, metric)),
      };
    }),
    config_diff: diff(folders.map(({ folder }) => flatten(folder.config))),
    params_diff: diff(folders.map(({ folder }) => flatten(folder.metadata.selected_model.params))),
  };
}

function metricOf(m: object | undefined, metric: string): number | null {
  const v = (m as Record<string, number> | undefined)?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * `{a: {b: 1}}` → `{'a.b': '1'}`. Lists of named entries (the candidates of `models`) are keyed by
 * their name, so `models.gbdt.params.learning_rate` lines up across runs whatever the order; other
 * lists and scalars are leaves, written as JSON.
 */
export function flatten(
  value: unknown,
  prefix = '',
  out: Record<string, string> = {},
): Record<string, string> {
  if (Array.isArray(value) && value.length && value.every(isNamed)) {
    for (const v of value) flatten(withoutName(v), prefix ? `${prefix}.${v.name}` : v.name, out);
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}

function isNamed(v: unknown): v is { name: string } {
  return v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string';
}

function withoutName(v: { name: string }): Record<string, unknown> {
  const { name: _, ...rest } = v as Record<string, unknown>;
  return rest;
}

function diff(maps: Record<string, string>[]): DiffRow[] {
  const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
  return keys
    .map((key) => ({ key, values: maps.map((m) => m[key] ?? null) }))
    .filter((row) => row.values.some((v) => v !== row.values[0]));
}
