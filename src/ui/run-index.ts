/**
 * The runs of a models folder (`<models>/runs/<run_id>/`), summarised once and kept in memory.
 * Run folders are written atomically and never change afterwards, so a summary read once stays
 * true; each query lists the folder again (cheap) and reads only runs it has not seen. That keeps
 * the runs page fast on a folder of a thousand runs, where reading every metadata.json per request
 * would not be.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { RunPage, RunSummary } from './api-types.js';
import { readRunSummary } from './run-summary.js';

export type { RunPage };

/** Columns the runs table sorts by. */
export const RUN_SORT_KEYS = [
  'created_at',
  'name',
  'family',
  'score',
  'test',
  'rows',
  'wall_seconds',
  'data_file',
] as const;
/** One of {@link RUN_SORT_KEYS}. */
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];

/** What the runs table asks for: filters (all must match), a sort and a page. */
export interface RunQuery {
  /** Exact registered model name. */
  name?: string;
  /** `key=value` (or just `key`) that the run's tags must hold. */
  tag?: string;
  /** Prefix of the data file's sha256. */
  data?: string;
  /** Exact family of the selected model. */
  family?: string;
  /** Case-insensitive text found in the run id, name, data file, target or selected model. */
  q?: string;
  /** Only runs created at or after this ISO date. */
  since?: string;
  /** Only runs whose selected model scores at least this on TEST (at most, for a lower-is-better metric). */
  min_test?: number;
  sort?: RunSortKey;
  order?: 'asc' | 'desc';
  /** 1-based page number. */
  page?: number;
  page_size?: number;
}

const MAX_PAGE_SIZE = 500;

/** In-memory index of one models folder's runs. */
export class RunIndex {
  private readonly runsDir: string;
  private readonly cache = new Map<string, RunSummary>();
  private readonly failed = new Map<string, string>();

  /** `modelsDir` is the models folder (the one holding `runs/`). */
  constructor(modelsDir: string) {
    this.runsDir = join(modelsDir, 'runs');
  }

  /** Every run, newest first; reads the runs not seen before. */
  all(): RunSummary[] {
    const ids = existsSync(this.runsDir) ? readdirSync(this.runsDir).filter((f) => !f.startsWith('.')) : [];
    for (const id of ids) {
      if (this.cache.has(id) || this.failed.has(id)) continue;
      try {
        this.cache.set(id, readRunSummary(join(this.runsDir, id)));
      } catch (e) {
        this.failed.set(id, (e as Error).message);
      }
    }
    const present = new Set(ids);
    return [...this.cache.values()]
      .filter((r) => present.has(r.run_id))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  /** The folder of run `runId`, or null when there is no such run. */
  dirOf(runId: string): string | null {
    if (!/^[\w.-]+$/.test(runId) || runId.startsWith('.')) return null;
    const dir = join(this.runsDir, runId);
    return existsSync(join(dir, 'metadata.json')) ? dir : null;
  }

  /** One page of the runs matching `q`, sorted. */
  query(q: RunQuery = {}): RunPage {
    const all = this.all();
    const pageSize = checkedInt('page_size', q.page_size ?? 50, 1, MAX_PAGE_SIZE);
    const page = checkedInt('page', q.page ?? 1, 1, Number.MAX_SAFE_INTEGER);
    const matching = all.filter(matcher(q));
    matching.sort(comparator(q.sort ?? 'created_at', q.order ?? 'desc'));
    return {
      runs: matching.slice((page - 1) * pageSize, page * pageSize),
      total: matching.length,
      page,
      page_size: pageSize,
      facets: facetsOf(all),
      unreadable: [...this.failed].map(([run_id, error]) => ({ run_id, error })),
    };
  }
}

function matcher(q: RunQuery): (r: RunSummary) => boolean {
  const [tagKey, tagValue] = q.tag ? splitTag(q.tag) : [undefined, undefined];
  const text = q.q?.trim().toLowerCase();
  return (r) =>
    (q.name === undefined || r.name === q.name) &&
    (q.family === undefined || r.family === q.family) &&
    (q.data === undefined || r.data_sha256.startsWith(q.data.toLowerCase())) &&
    (q.since === undefined || r.created_at >= q.since) &&
    (q.min_test === undefined ||
      (r.test !== null && (r.greater_is_better ? r.test >= q.min_test : r.test <= q.min_test))) &&
    (tagKey === undefined || (tagKey in r.tags && (tagValue === undefined || r.tags[tagKey] === tagValue))) &&
    (!text ||
      [r.run_id, r.name ?? '', r.data_file, r.target, r.selected].some((s) =>
        s.toLowerCase().includes(text),
      ));
}

function splitTag(tag: string): [string, string | undefined] {
  const i = tag.indexOf('=');
  return i < 0 ? [tag, undefined] : [tag.slice(0, i), tag.slice(i + 1)];
}

/** Sorts by `key`; runs without a value go last whichever the order; ties newest first. */
function comparator(key: RunSortKey, order: 'asc' | 'desc'): (a: RunSummary, b: RunSummary) => number {
  if (!RUN_SORT_KEYS.includes(key)) {
    throw new UsageError(
      'bad_sort',
      `sort must be one of ${RUN_SORT_KEYS.join(', ')}; got ${JSON.stringify(key)}`,
    );
  }
  if (order !== 'asc' && order !== 'desc') {
    throw new UsageError('bad_sort', `order must be asc or desc; got ${JSON.stringify(order)}`);
  }
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c !== 0 ? sign * c : b.created_at.localeCompare(a.created_at);
  };
}

function facetsOf(all: RunSummary[]): RunPage['facets'] {
  const names = new Set<string>();
  const families = new Set<string>();
  const tags = new Set<string>();
  for (const r of all) {
    if (r.name) names.add(r.name);
    families.add(r.family);
    for (const k of Object.keys(r.tags)) tags.add(k);
  }
  return { names: [...names].sort(), families: [...families].sort(), tags: [...tags].sort() };
}

function checkedInt(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(
      'bad_page',
      `${field} must be an integer from ${min} to ${max}; got ${JSON.stringify(v)}`,
    );
  }
  return v;
}
