/**
 * What the server needs from a loaded model: the subset of `InferencePipeline` (src/inference/)
 * it calls. Declared here so the server depends on an interface, and tests can hand it any
 * object of this shape.
 */

/** One validation finding for one row, e.g. `{row: 0, field: 'age', code: 'out_of_range', ...}`. */
export interface RowIssue {
  row: number;
  field: string;
  code: string;
  message: string;
}

/** A conformal prediction interval and its nominal coverage. */
export interface PredictionInterval {
  lower: number;
  upper: number;
  coverage: number;
}

/** One row's result: its status, prediction, interval, attributions and issues. */
export interface RowPrediction {
  row: number;
  status: 'ok' | 'rejected';
  prediction: number | null;
  interval?: PredictionInterval;
  attributions?: Record<string, number>;
  base_value?: number;
  warnings: RowIssue[];
  errors: RowIssue[];
  /**
   * The model that answered the row. The pipeline gives its selected candidate's name; the server
   * replaces it with the registered name and adds the family, version, stage (and arm in an A/B test).
   */
  model: {
    name: string | null;
    family?: string;
    run_id: string;
    version?: number | null;
    stage?: string | null;
    arm?: string;
  };
}

/** What a predict call adds to the predictions. */
export interface PredictOptions {
  interval?: boolean;
  explain?: boolean;
}

/** A feature as the contract (or, failing that, metadata.json) describes it. */
export interface ContractFeature {
  name: string;
  type: string;
  nullable?: boolean;
  min?: number | null;
  max?: number | null;
  categories?: readonly string[];
  [k: string]: unknown;
}

/** The part of `InferencePipeline` the server calls. */
export interface ModelPipeline {
  readonly runId: string;
  readonly modelName: string;
  readonly metadata: unknown;
  readonly contract: unknown;
  readonly policy?: unknown;
  /** results.json of the run (interval quality on TEST, importances), when available. */
  readonly results?: unknown;
  predict(records: readonly Record<string, unknown>[], opts?: PredictOptions): RowPrediction[];
}
