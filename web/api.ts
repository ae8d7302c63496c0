/** The JSON the pages read, from the server's /api routes (src/ui/ui-plugin.ts). */

export interface RunSummary {
  run_id: string;
  name: string | null;
  tags: Record<string, string>;
  created_at: string;
  target: string;
  data_file: string;
  data_sha256: string;
  rows: number;
  selected: string;
  family: string;
  metric: string;
  greater_is_better: boolean;
  selected_on: string;
  score: number | null;
  test: number | null;
  wall_seconds: number;
  candidates: number;
}

export interface RunPage {
  runs: RunSummary[];
  total: number;
  page: number;
  page_size: number;
  facets: { names: string[]; families: string[]; tags: string[] };
  unreadable: { run_id: string; error: string }[];
}

type Scores = { r2: number; rmse: number; mae: number } | null;

export interface LeaderboardRow {
  name: string;
  model: string;
  status: string;
  error: string | null;
  val: Scores;
  test: Scores;
  cv: { mean: number; sd: number; folds: number } | null;
  score: number | null;
  weights: Record<string, number> | null;
  fit_seconds: number;
  selected: boolean;
}

export interface RunDetail {
  run_id: string;
  created_at: string;
  tabflow_version: string;
  target: string;
  data: { path: string; rows: number; columns: number; sha256: string };
  cleaning: { rows_before: number; rows_after: number; duplicates: number; missing_target: number } | null;
  split: { strategy: string; seed: number | null; counts: Record<string, number> } | null;
  selection: {
    metric: string;
    on: string;
    method?: string;
    folds?: number;
    repeats?: number;
    reason?: string;
    best: string | null;
    greater_is_better: boolean;
  };
  selected: { name: string; kind: string; params: Record<string, unknown> };
  leaderboard: LeaderboardRow[];
  importance: { name: string; mean: number; std: number }[] | null;
  intervals: {
    mode: string;
    nominal: number;
    calibration_rows: number;
    calibrated_on: string;
    test_coverage: number;
    mean_width: number;
  } | null;
  test: {
    n: number;
    rejected: number;
    actual: number[];
    predicted: number[];
    metrics: { r2: number; rmse: number; mae: number };
    coverage: {
      nominal: number;
      overall: number;
      interval_score: number;
      by_decile: { from: number; to: number; n: number; coverage: number; mean_width: number }[];
    } | null;
  } | null;
  test_note: string | null;
  warnings: string[];
  config: unknown;
  features: {
    name: string;
    type: string;
    nullable: boolean;
    min: number | null;
    max: number | null;
    categories: number;
  }[];
  artifacts: { file: string; sha256: string; bytes: number }[];
  registration: { name: string; tags: Record<string, string> } | null;
  timings: Record<string, number>;
}

export interface Comparison {
  runs: RunSummary[];
  metric: string;
  candidates: { name: string; score: (number | null)[]; test: (number | null)[] }[];
  config_diff: { key: string; values: (string | null)[] }[];
  params_diff: { key: string; values: (string | null)[] }[];
}

/** An error answer of the API, shown to the user as it is. */
export class ApiError extends Error {}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) throw new ApiError(body?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

export interface PredictForm {
  stage: string;
  run_id: string;
  model: string;
  target: string;
  stages: string[];
  fields: {
    name: string;
    type: string;
    nullable: boolean;
    min: number | null;
    max: number | null;
    categories: string[] | null;
    default: number | string | null;
  }[];
  intervals: boolean;
  attributions: boolean;
}

export interface Prediction {
  status: 'ok' | 'rejected';
  prediction: number | null;
  interval?: { lower: number; upper: number; coverage: number };
  attributions?: Record<string, number>;
  base_value?: number;
  warnings: { path?: string; column?: string; message: string }[];
  errors: { path?: string; column?: string; message: string }[];
  model: { name: string; run_id: string };
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const out = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) throw new ApiError(out?.message ?? `${res.status} ${res.statusText}`);
  return out as T;
}
