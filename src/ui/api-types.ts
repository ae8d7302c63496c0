/**
 * The JSON contract of the UI's API (/api/…): what the server's routes return and the pages read.
 * Types only, with no imports, so the browser code (web/) and the server (src/ui) share one
 * definition and a change to either side fails the type check of the other.
 */

/** One row of the runs table. */
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

/** One page of runs, with what the filters could choose from. */
export interface RunPage {
  runs: RunSummary[];
  total: number;
  page: number;
  page_size: number;
  facets: { names: string[]; families: string[]; tags: string[] };
  unreadable: { run_id: string; error: string }[];
}

/** R², RMSE and MAE of one split. */
export type Scores = { r2: number; rmse: number; mae: number } | null;

/** One candidate of a run. */
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

/** Everything the run page shows. */
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

/** One key whose value differs between the compared runs (one value per run, in order). */
export interface DiffRow {
  key: string;
  values: (string | null)[];
}

/** Two to five runs side by side. */
export interface Comparison {
  runs: RunSummary[];
  metric: string;
  /** Candidate name → its selection score (CV mean or VAL) and TEST score in each run. */
  candidates: { name: string; score: (number | null)[]; test: (number | null)[] }[];
  config_diff: DiffRow[];
  params_diff: DiffRow[];
}

/** One input of the prediction form, from the run's data contract and training profile. */
export interface FormField {
  name: string;
  type: string;
  nullable: boolean;
  min: number | null;
  max: number | null;
  /** Known categories (categorical inputs), else null. */
  categories: string[] | null;
  /** A typical value to start from: the training median, or the first category. */
  default: number | string | null;
}

/** The inputs of a stage model, for the prediction form. */
export interface PredictForm {
  stage: string;
  run_id: string;
  model: string;
  target: string;
  /** Stages of this models folder that hold a model. */
  stages: string[];
  fields: FormField[];
  intervals: boolean;
  attributions: boolean;
}

/** One prediction as POST /api/predict answers it. */
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

/** One registered version as the versions table shows it. */
export interface VersionRow {
  version: number;
  run_id: string;
  registered_at: string;
  actor: string;
  family: string;
  model: string;
  test: Record<string, number> | null;
  stages: string[];
  aliases: string[];
  data_file: string | null;
  tags: Record<string, string>;
}

/** One event of the registry's history. */
export interface RegistryEventRow {
  id: number;
  ts: string;
  type: string;
  stage: string | null;
  version: number | null;
  from_version: number | null;
  actor: string | null;
  reason: string | null;
  decision: string | null;
}

/** The registry as the models page shows it. */
export interface ModelsOverview {
  name: string | null;
  versions: VersionRow[];
  stages: { stage: string; version: number | null; since: string | null }[];
  /** Oldest first. */
  history: RegistryEventRow[];
  /** Whether promote and rollback are available (an admin token was configured). */
  writable: boolean;
}

/** The gate's numbers of a promotion to production. */
export interface GateNumbers {
  passed: boolean;
  metric: string;
  greater_is_better: boolean;
  candidate: number;
  incumbent: number;
  improvement_abs: number;
  improvement_rel: number;
  thresholds: { min_improvement_abs: number; min_improvement_rel: number };
  rows: { used: number; excluded: number };
  eval: string;
}

/** What a promotion would decide, kept for its confirmation under `preview_id`. */
export interface Preview {
  preview_id: string;
  stage: string;
  version: number;
  incumbent: number | null;
  decision: 'passed' | 'refused' | 'no_incumbent' | 'ungated';
  gate: GateNumbers | null;
  gate_error: string | null;
}

/** A stage move as promote and rollback answer it. */
export interface StageMove {
  decision: string;
  applied: boolean;
  stage: string;
  version: number;
  from_version: number | null;
}

/** One feature's drift verdict (or the prediction's), as the production page shows it. */
export interface FeatureDriftRow {
  feature: string;
  type: string;
  method: string;
  statistic: number | null;
  p_value: number | null;
  threshold: number;
  drifted: boolean | null;
  reason: string | null;
  psi: number | null;
  n_reference: number;
  n_current: number;
  /**
   * Proportions per bin, reference (training profile) vs current window, for the histogram:
   * value ranges (numerics, with a "(missing)" bin) or categories; empty bins on both sides dropped.
   */
  distribution: { bins: string[]; reference: number[]; current: number[] };
}

/** Accuracy and interval coverage of predictions whose actuals came back. */
export interface LiveMetricsRow {
  n: number;
  r2: number | null;
  rmse: number | null;
  mae: number | null;
  coverage: number | null;
  mean_interval_width: number | null;
}

/** The production page's data: `tabflow monitor`'s report of a stage plus its live traffic. */
export interface ProductionJson {
  stage: string;
  generated_at: string;
  /** Why there is nothing to show yet. */
  note: string | null;
  traffic: {
    rows: number;
    rejected: number;
    error_rate: number | null;
    latency_ms: { p50: number | null; p95: number | null; p99: number | null };
    first: string | null;
    last: string | null;
    per_minute: { t: number; rows: number; p95_ms: number | null }[];
  } | null;
  monitoring: {
    status: 'ok' | 'alarm' | 'insufficient_data';
    model: { name: string | null; family: string; run_id: string; version: number | null };
    window: { requested: number; rows: number; first: string | null; last: string | null };
    alarms: { kind: string; message: string }[];
    drift: {
      features: FeatureDriftRow[];
      prediction: FeatureDriftRow | null;
      dataset: { n_judged: number; drifted_features: string[]; share: number | null; threshold: number };
    } | null;
    drift_note: string | null;
    live: {
      current: LiveMetricsRow;
      over_time: (LiveMetricsRow & { end: string })[];
      reference: { rmse: number; r2: number; mae: number; coverage: number | null } | null;
      note: string | null;
    };
  } | null;
}

/** The rows one A/B arm scored in the prediction log, with rejections and latency. */
export interface ArmTraffic {
  /** Logged rows (a request of k records logs k rows). */
  rows: number;
  rejected: number;
  /** rejected / rows; null without rows. */
  error_rate: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
}

/** One arm of an experiment: the version it serves, its traffic and its accuracy from feedback. */
export interface ArmJson {
  arm: 'champion' | 'challenger';
  version: number;
  run_id: string;
  /** Planned share of the traffic it answers; null for a shadow challenger (it scores every row). */
  share: number | null;
  traffic: ArmTraffic;
  /** From the predictions whose actuals came back (shadow: rows both arms scored, paired). */
  live: LiveMetricsRow;
}

/** The significance test of an experiment, as `tabflow ab status` computes it (or as recorded). */
export interface AbTestJson {
  /** live: computed now, as `tabflow ab status`; recorded: the numbers stored when it ended. */
  source: 'live' | 'recorded';
  verdict: 'challenger_better' | 'champion_better' | 'no_difference' | 'insufficient_data';
  reason: string;
  /** Actuals each arm's test used. */
  n: { champion: number; challenger: number };
  /** On absolute errors, challenger − champion (negative: the challenger errs less). */
  t_test: {
    name: string;
    t: number | null;
    df: number | null;
    p_value: number | null;
    mean_difference: number | null;
  } | null;
  /** RMSE(challenger) − RMSE(champion), with its interval. */
  bootstrap: {
    estimate: number | null;
    lower: number | null;
    upper: number | null;
    level: number;
    resamples: number;
  } | null;
  /** Planned actuals per arm (the fixed horizon), and whether both arms reached it. */
  planned: number | null;
  ready: boolean | null;
  /** What to do next (live only). */
  advice: string | null;
}

/** One A/B experiment, running or ended. */
export interface ExperimentJson {
  id: string;
  name: string;
  status: 'running' | 'concluded' | 'stopped';
  design: 'split' | 'shadow';
  /** The challenger's planned share of the traffic (split design). */
  weight: number;
  key_field: string | null;
  started_at: string;
  ended_at: string | null;
  /** How it ended: promoted | kept_champion (concluded), the verdict at the time (stopped). */
  outcome: string | null;
  end_reason: string | null;
  arms: [ArmJson, ArmJson];
  test: AbTestJson | null;
  /** The production version now, and whether it moved away from the champion (running only). */
  production: { version: number | null; moved: boolean } | null;
}

/** The experiments page's data: the running experiment, the ended ones, and what a start may pick. */
export interface ExperimentsJson {
  name: string | null;
  generated_at: string;
  /** Whether start, stop and conclude are available (an admin token was configured). */
  writable: boolean;
  production_version: number | null;
  /** Registered versions a start may pick as the challenger (all but production), newest first. */
  challengers: { version: number; run_id: string; model: string }[];
  /** The stopping rule the test judges by (the production run's `experiment` section). */
  rule: {
    min_samples: number;
    max_samples: number | null;
    alpha: number;
    metric: string;
    weight: number;
  } | null;
  running: ExperimentJson | null;
  /** Newest first. */
  ended: ExperimentJson[];
}

/** What a conclusion did, as POST /api/experiments/conclude answers it. */
export interface ConcludeJson {
  id: string;
  outcome: 'promoted' | 'kept_champion';
  reason: string;
  /** The gate's decision when the challenger was put up for promotion. */
  gate_decision: string | null;
  event_id: number;
}
