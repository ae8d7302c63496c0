/**
 * InferencePipeline: the production inference flow of one saved run.
 *
 *   load artifacts (sha256 + same run) → validate input against the data contract → transform
 *   with the saved preprocessor → predict → conformal interval → attributions (optional)
 *
 * Bad rows never throw: each gets its issues and, where the policy says reject, no prediction;
 * the other rows of the same request are predicted as usual.
 */
import { loadArtifacts, type RunArtifacts } from '../artifacts/load-artifacts.js';
import type { MetadataJson, ResultsJson } from '../artifacts/run-folder.js';
import type { Matrix } from '../core/matrix.js';
import type { Frame } from '../data/frame.js';
import { DEFAULT_MISSING_TOKENS } from '../data/infer.js';
import { explainInputs, needsBackground } from '../explain/explain.js';
import type { FittedRegressor } from '../models/regressor.js';
import type { FittedPreprocessor } from '../preprocess/index.js';
import { backgroundFromJson } from './background.js';
import { checkFrame } from './check-frame.js';
import { Intervals } from './conformal.js';
import { contractFromFeatures, type DataContract } from './contract.js';
import { type ContractIssue, IssueSink, PREDICTION_FIELD, type ValidationSummary } from './issues.js';
import {
  type InferenceConfig,
  policyFromConfig,
  resolveInferenceConfig,
  resolvePolicy,
  type ValidationPolicy,
} from './params.js';
import { recordsToFrame } from './records-frame.js';

/** What a prediction carries beside its value: the conformal interval, the attributions. */
export interface PredictOptions {
  /** Attach the conformal interval (when the run was calibrated). */
  interval?: boolean;
  /** Attach per-input-column attributions and the base value. */
  explain?: boolean;
}

/**
 * Options of `predictFrame` (batches and files): ignored columns, row offsets of a chunk, the
 * model matrix kept for explaining.
 */
export interface FrameOptions extends PredictOptions {
  /** Input columns to ignore silently (e.g. an `id` column kept beside the predictions). */
  ignore?: readonly string[];
  /** Added to the row numbers of issues (chunks of a larger file). */
  rowOffset?: number;
  /** Keep the model matrix in the result (`X`), to explain it elsewhere (`explainMatrix`, threads). */
  matrix?: boolean;
}

/**
 * One record's answer: its prediction, or `rejected` with the contract issues that stopped it, and
 * optionally its interval and attributions.
 */
export interface PredictionResult {
  row: number;
  status: 'ok' | 'rejected';
  prediction: number | null;
  interval?: { lower: number; upper: number; coverage: number };
  attributions?: Record<string, number>;
  base_value?: number;
  warnings: ContractIssue[];
  errors: ContractIssue[];
  model: { name: string; run_id: string };
}

/** Per-input attributions of a batch: rows × names, row-major. */
export interface Attributions {
  names: string[];
  values: Float64Array;
  baseValue: number;
}

/**
 * The answers of a frame as columns: predictions, rejected and warned flags, intervals and the
 * issues found.
 */
export interface BatchPrediction {
  rows: number;
  /** NaN where the row was rejected. */
  prediction: Float64Array;
  /** 1 = rejected (no prediction). */
  rejected: Uint8Array;
  /** 1 = predicted with at least one warning. */
  warned: Uint8Array;
  interval?: { lower: Float64Array; upper: Float64Array; coverage: number };
  attributions?: Attributions;
  /** The model matrix the predictions came from, with `matrix: true`. */
  X?: Matrix;
  /** Every issue; file-level ones (a missing or extra column) once with row -1. */
  issues: ContractIssue[];
  /** Whether an issue rejected its row (policy reject, or a non-finite model output). */
  isError: (issue: ContractIssue) => boolean;
  summary: ValidationSummary;
}

/** How `InferencePipeline.load` checks inputs: overrides of the run's validation policy. */
export interface LoadOptions {
  policy?: Partial<ValidationPolicy>;
}

/**
 * The production inference flow of one saved run: `load(dir)` verifies the run folder, then
 * `predict` validates records against the data contract, preprocesses them as in training,
 * predicts and adds intervals and attributions.
 */
export class InferencePipeline {
  readonly runId: string;
  readonly modelName: string;
  readonly metadata: MetadataJson;
  readonly results: ResultsJson;
  readonly contract: DataContract;
  readonly policy: ValidationPolicy;
  readonly config: InferenceConfig;
  /** The resolved artifact folder. */
  readonly dir: string;
  readonly model: FittedRegressor;
  readonly preprocessor: FittedPreprocessor;
  /** null when the run has no calibration (trained before intervals, or interval_method none). */
  readonly intervals: Intervals | null;
  private readonly cleaning: { trimStrings: boolean; missingTokens: ReadonlySet<string> };
  private readonly unknownToMissing: boolean;
  /** Model-matrix rows the sampling explainer measures against (SVR, k-NN); null for exact methods. */
  private readonly background: Matrix | null;

  constructor(a: RunArtifacts, opts: LoadOptions = {}) {
    const cfg = (a.config ?? {}) as Record<string, Record<string, unknown> | undefined>;
    this.dir = a.dir;
    this.model = a.model;
    this.preprocessor = a.preprocessor;
    this.metadata = a.metadata;
    this.results = a.results;
    this.runId = a.metadata.run_id;
    this.modelName = a.metadata.selected_model.name;
    this.config = resolveInferenceConfig(cfg.inference, 'config.yaml inference');
    this.policy = resolvePolicy(opts.policy, policyFromConfig(this.config));
    const ignored = [
      a.metadata.target?.name,
      ...((cfg.cleaning?.drop_columns as string[] | undefined) ?? []),
      ...(['split_column', 'group_column', 'time_column'] as const).map((k) => cfg.split?.[k]),
    ].filter((x): x is string => typeof x === 'string');
    this.contract = contractFromFeatures(a.metadata.features, ignored);
    this.intervals = a.metadata.calibration ? Intervals.fromJson(a.metadata.calibration) : null;
    this.cleaning = {
      trimStrings: cfg.cleaning?.trim_strings !== false,
      // The loader's tokens applied when the train file was read, plus the cleaner's.
      missingTokens: new Set([
        ...DEFAULT_MISSING_TOKENS,
        ...((cfg.cleaning?.missing_tokens as string[] | undefined) ?? []),
      ]),
    };
    this.unknownToMissing = this.preprocessor.config.handle_unknown === 'error';
    const bg = a.metadata.explain_background;
    this.background = bg ? backgroundFromJson(bg, this.preprocessor.nFeatures) : null;
  }

  /** Load a run or stage folder; every artifact's sha256 is checked against metadata.json. */
  static load(dir: string, opts: LoadOptions = {}): InferencePipeline {
    return new InferencePipeline(loadArtifacts(dir), opts);
  }

  /** Records (JSON objects) → one result per record, in order. Never throws for bad rows. */
  predict(records: readonly Record<string, unknown>[], opts: PredictOptions = {}): PredictionResult[] {
    const list = Array.isArray(records) ? records : [records as unknown as Record<string, unknown>];
    const n = list.length;
    if (n === 0) return [];
    const sink = new IssueSink(n, this.policy);
    const { frame, flagged } = recordsToFrame(list, this.contract, sink, this.cleaning);
    const checked = checkFrame(frame, this.contract, sink, {
      ...this.cleaning,
      unknownToMissing: this.unknownToMissing,
      flagged,
      reportExtraColumns: false,
    });
    const b = this.run(checked, sink, opts);
    const byRow: ContractIssue[][] = Array.from({ length: n }, () => []);
    for (const issue of b.issues) byRow[issue.row].push(issue);
    const model = { name: this.modelName, run_id: this.runId };
    const k = b.attributions?.names.length ?? 0;
    return byRow.map((issues, i) => {
      const ok = !b.rejected[i];
      // Built in this key order, so JSON responses read prediction first and model last.
      const r = {
        row: i,
        status: ok ? 'ok' : 'rejected',
        prediction: ok ? b.prediction[i] : null,
      } as PredictionResult;
      if (ok && b.interval)
        r.interval = {
          lower: b.interval.lower[i],
          upper: b.interval.upper[i],
          coverage: b.interval.coverage,
        };
      if (ok && b.attributions) {
        const a: Record<string, number> = {};
        b.attributions.names.forEach((name, j) => {
          a[name] = b.attributions!.values[i * k + j];
        });
        r.attributions = a;
        r.base_value = b.attributions.baseValue;
      }
      r.warnings = issues.filter((x) => !b.isError(x));
      r.errors = issues.filter((x) => b.isError(x));
      r.model = model;
      return r;
    });
  }

  /** A frame (e.g. a loaded file, or one chunk of it) → typed arrays. Never throws for bad rows. */
  predictFrame(frame: Frame, opts: FrameOptions = {}): BatchPrediction {
    const sink = new IssueSink(frame.nRows, this.policy, opts.rowOffset ?? 0);
    const checked = checkFrame(frame, this.contract, sink, {
      ...this.cleaning,
      unknownToMissing: this.unknownToMissing,
      ignore: opts.ignore,
    });
    return this.run(checked, sink, opts);
  }

  /** Explanations are available: exact for trees and linear models, sampled against the stored background otherwise. */
  get canExplain(): boolean {
    return !needsBackground(this.model) || this.background !== null;
  }

  private run(frame: Frame, sink: IssueSink, opts: PredictOptions): BatchPrediction {
    const n = frame.nRows;
    const { X } = this.preprocessor.transform(frame);
    const prediction = this.model.predict(X);
    for (let i = 0; i < n; i++) {
      // Far-out inputs accepted with a warning can overflow a model (a linear one at 1e308).
      if (!sink.rejected[i] && !Number.isFinite(prediction[i])) {
        sink.reject(
          i,
          PREDICTION_FIELD,
          'out_of_range',
          `the model gave ${prediction[i]} for this row: its inputs are too far outside the train ranges`,
        );
      }
    }
    const out: BatchPrediction = {
      rows: n,
      prediction,
      rejected: sink.rejected,
      warned: sink.warned,
      issues: sink.issues,
      summary: sink.summary(),
      isError: (issue) => sink.isError(issue),
    };
    if (opts.interval && this.intervals) {
      const { lower, upper } = this.intervals.bounds(prediction, X);
      out.interval = { lower, upper, coverage: this.intervals.coverage };
    }
    if (opts.explain && this.canExplain) out.attributions = this.explainMatrix(X);
    if ((opts as FrameOptions).matrix) out.X = X;
    for (let i = 0; i < n; i++) {
      if (!sink.rejected[i]) continue;
      prediction[i] = Number.NaN;
      if (out.interval) out.interval.lower[i] = out.interval.upper[i] = Number.NaN;
    }
    return out;
  }

  /**
   * Attributions of rows of the model matrix (`BatchPrediction.X`); `firstRow` is the number of
   * X's first row in the whole batch, so a batch explained in pieces gives the same numbers.
   */
  explainMatrix(X: Matrix, firstRow = 0): Attributions {
    const e = explainInputs(this.model, X, this.preprocessor.features, {
      background: this.background ?? undefined,
      seed: this.metadata.seed,
      firstRow,
    });
    return { names: e.names, values: e.values, baseValue: e.baseValue };
  }
}
