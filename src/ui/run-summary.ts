/**
 * One row of the UI's runs table: what a person sorts and filters a hundred runs by, read from a
 * run folder's metadata.json and results.json without verifying hashes (the run page does that).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  METADATA_FILE,
  type MetadataJson,
  type ResultsJson,
  selectionScore,
} from '../artifacts/run-folder.js';
import type { RunSummary } from './api-types.js';

export type { RunSummary };

/** Reads the summary of the run in `dir`; throws when its JSON files are missing or unreadable. */
export function readRunSummary(dir: string): RunSummary {
  const meta = JSON.parse(readFileSync(join(dir, METADATA_FILE), 'utf8')) as MetadataJson;
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsJson;
  const sel = results.selection;
  const best = results.models.find((m) => m.name === sel.best);
  const test = best?.metrics?.test as Record<string, number> | undefined;
  return {
    run_id: meta.run_id,
    name: meta.registration?.name ?? null,
    tags: meta.registration?.tags ?? {},
    created_at: meta.created_at,
    target: meta.target.name,
    data_file: baseName(meta.data.path),
    data_sha256: meta.data.sha256,
    rows: meta.data.rows,
    selected: meta.selected_model.name,
    family: meta.selected_model.kind,
    metric: sel.metric,
    greater_is_better: sel.greater_is_better,
    selected_on: sel.method === 'cv' ? 'cv' : sel.on,
    score: best ? (selectionScore(best, sel) ?? null) : null,
    test: finite(test?.[sel.metric]),
    wall_seconds: Object.values(meta.timings ?? {}).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0),
    candidates: results.models.length,
  };
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}

function finite(x: number | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
