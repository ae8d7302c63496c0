/**
 * The JSON a run folder holds, as the format defines it: metadata.json (`MetadataJson`) and
 * results.json (`ResultsJson`). The stages that produce a part (training's candidate records,
 * inference's calibration, explanation's background sample) write values of these shapes; the
 * compiler checks they do where the run is saved. Nothing here imports a stage.
 */
import type { EncodedF64, JsonNumber, Serialized } from '../core/codec.js';
import type { PermutationImportanceRecord } from '../core/importance-record.js';
import type { MetricValues } from '../metrics/regression.js';

/** A split of the data: the rows a model was fitted on, tuned on or tested on. */
export type SplitName = 'train' | 'val' | 'test';

/** A candidate's cross-validated selection metric: per fold, mean and spread (results.json). */
export interface CvScoreJson {
  metric: string;
  mean: number;
  /** Sample standard deviation over folds. */
  sd: number;
  /** Standard error of the mean: sd / √folds. */
  se: number;
  /** Score on each fold, repeat-major (NaN: the fold did not run). */
  folds: number[];
  repeats: number;
  /** False when the time budget ran out before every fold ran (then the candidate is not selectable). */
  complete: boolean;
  /** Fit seconds summed over folds. */
  seconds: number;
  /** Boosting rounds each fold's model kept (families that stop early). */
  iterations?: number[];
}

/** One trial of a candidate's tuning (results.json). */
export interface TuningTrialJson {
  params: Record<string, unknown>;
  val_score?: number;
  cv_score?: number;
  folds?: number;
  fit_seconds: number;
  status: 'ok' | 'failed';
  error?: string;
}

/** Per input column, the mean and std of the metric's deterioration when it is shuffled. */
export type PermutationImportanceJson = PermutationImportanceRecord;

/** One candidate's record in results.json: training builds these (its `CandidateResult`). */
export interface CandidateJson {
  name: string;
  model: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  params: Record<string, unknown>;
  /** How the candidate's inputs were encoded: one-hot or ordinal. */
  encoding: 'onehot' | 'ordinal';
  fit_seconds: number;
  predict_seconds?: number;
  metrics?: Partial<Record<SplitName, MetricValues>>;
  /** Importance per original input column, summing to 1. */
  feature_importance?: Record<string, number>;
  /** Tuning record when the candidate was tuned. */
  tuning?: {
    metric: string;
    /** val: random search scored on VAL; cv: successive halving over the folds. */
    on: 'val' | 'cv';
    trials_requested: number;
    trials_run: number;
    best_trial: number;
    history: TuningTrialJson[];
  };
  /** Cross-validated selection metric (selection.method cv): per fold, mean and spread. */
  cv?: CvScoreJson;
  /** Drop in R² on TEST when each input column is shuffled (selected model only). */
  permutation_importance?: PermutationImportanceJson;
  notes: string[];
}

/** A candidate not selected that scored better on TEST by more than the selection's standard error. */
export interface SelectionWarningJson {
  code: 'test_beats_selected';
  candidate: string;
  selected: string;
  metric: string;
  candidate_test: number;
  selected_test: number;
  /** The standard error the gap was compared with. */
  se: number;
  message: string;
}

/** Coverage and mean width of prediction intervals on a set of rows. */
export interface IntervalQuality {
  coverage: number;
  mean_width: number;
  n: number;
}

/** What metadata.json `calibration` holds: the split-conformal calibration of the selected model. */
export interface CalibrationJson {
  method: 'split_conformal';
  mode: 'absolute' | 'adaptive';
  coverage: number;
  /**
   * Where the scores come from: the VAL residuals of the selected model (holdout), or its
   * out-of-fold residuals over TRAIN+VAL (cross-validated selection). Absent: val.
   */
  calibrated_on?: 'val' | 'out_of_fold';
  /** Rows the quantile was taken over, and the rank used. */
  n: number;
  rank: number;
  q: JsonNumber;
  /** adaptive: σ(x) model on the model matrix, and the floor that keeps σ away from 0. */
  difficulty?: { model: Serialized; floor: number };
  /**
   * auto: the mean cross-fitted interval score of each mode on VAL (lower is better), or why
   * absolute was kept without comparing. `compared_rows`: the seeded sample of VAL rows compared
   * on, when VAL had more (absent: every row).
   */
  chosen_by?:
    | {
        criterion: 'interval_score';
        absolute: JsonNumber;
        adaptive: JsonNumber;
        over?: 'folds' | 'halves';
        compared_rows?: number;
      }
    | { criterion: 'too_few_val_rows'; rows: number; min: number };
}

/** metadata.json `explain_background`: TRAIN rows of the model matrix (rows, cols, f64 data). */
export interface BackgroundJson {
  rows: number;
  cols: number;
  data: EncodedF64;
}

/** results.json: how the best candidate was chosen, and every candidate's record. */
export interface ResultsJson {
  run_id: string;
  selection: {
    metric: string;
    /** `cv` (mean over folds), `val` or `test`. */
    on: string;
    /** Absent in runs from before cross-validated selection (they selected on the holdout). */
    method?: 'cv' | 'holdout';
    folds?: number;
    repeats?: number;
    reason?: string;
    best: string | null;
    greater_is_better: boolean;
    /** Standard error of the selected candidate's selection score (cv: sd/√folds; holdout: bootstrap). */
    se?: JsonNumber;
  };
  /** A candidate not selected scored better on TEST by more than `selection.se` (the choice stands). */
  warnings?: SelectionWarningJson[];
  models: CandidateJson[];
  /** Split-conformal intervals of the selected model: nominal coverage, and what TEST showed. */
  intervals?: { mode: string; coverage: number; calibration_rows: number; test: IntervalQuality };
}

/** One input column of the data contract in metadata.json `features`. */
export interface FeatureSchemaEntry {
  name: string;
  type: string;
  nullable: boolean;
  min?: number | null;
  max?: number | null;
  categories?: string[];
  [k: string]: unknown;
}

/** Summary statistics of the TRAIN target (metadata.json `target.train`). */
export interface TargetStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  quantiles: Record<string, number>;
}

/** The sha256 and size of one file, as metadata.json records it. */
export interface FileRecord {
  sha256: string;
  bytes: number;
}

/** metadata.json: what the run was trained on, what it selected, and the hash of every other file. */
export interface MetadataJson {
  format_version: number;
  run_id: string;
  created_at: string;
  tabflow_version: string;
  node_version: string;
  seed: number;
  data: {
    path: string;
    format: string;
    sha256: string;
    bytes: number;
    rows: number;
    columns: number;
    [k: string]: unknown;
  };
  target: { name: string; train: TargetStats };
  cleaning: unknown;
  split: unknown;
  features: FeatureSchemaEntry[];
  model_features: string[];
  selected_model: {
    name: string;
    kind: string;
    params: Record<string, unknown>;
    metrics: CandidateJson['metrics'];
    cv?: CandidateJson['cv'];
    selected_by: { metric: string; on: string; method?: 'cv' | 'holdout' };
  };
  timings: Record<string, number>;
  /** Split-conformal calibration on VAL residuals of the selected model (absent: no intervals). */
  calibration?: CalibrationJson;
  /** TRAIN rows of the model matrix for model-agnostic explanations (SVR, k-NN only). */
  explain_background?: BackgroundJson;
  /** The name and tags the run registers under, so a rebuilt registry can restore them. */
  registration?: { name: string; tags: Record<string, string> };
  /** The four required files always; optional ones (profile.json) when the run has them. */
  artifacts: Record<'model.json' | 'preprocessor.json' | 'config.yaml' | 'results.json', FileRecord> &
    Partial<Record<'profile.json', FileRecord>>;
}
