/**
 * TrainingPipeline: the composition root of the seed's training flow.
 *
 *   load → clean (nothing learned) → split 70/10/20 → select: cross-validation over TRAIN+VAL
 *   (preprocessing refitted in each fold, then everything refitted on TRAIN+VAL) or the VAL
 *   holdout (everything fitted on TRAIN) → evaluate on TEST → calibrate intervals on rows the
 *   model did not fit → importance → save artifacts together
 *
 * Only this module names the concrete stage classes; each stage is usable on its own.
 */
import { DataCleaner } from '../clean/data-cleaner.js';
import { DataError, UsageError } from '../core/errors.js';
import type { SortedOnce } from '../core/sort.js';
import { sortOnThread } from '../core/sort-thread.js';
import { type Column, cellValue, columnLength, type Frame } from '../data/frame.js';
import { DataLoader, type LoadedData } from '../data/loader.js';
import '../models/index.js';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { loadOptionsOf } from '../data/data-config.js';
import { permutationImportanceAsync } from '../explain/permutation-importance.js';
import { backgroundFor } from '../inference/background.js';
import { trainQuantiles } from '../inference/contract.js';
import { serializeReferenceProfile } from '../monitor/profile-codec.js';
import { buildReferenceProfile } from '../monitor/reference-profile.js';
import {
  type SaveAndRegisterOptions,
  type SaveResult,
  type StoreWait,
  saveAndRegister,
} from '../promotion/register-run.js';
import { checkRegistrable, checkSameDataset } from '../registry/preflight.js';
import { DataSplitter } from '../split/data-splitter.js';
import { estimateCvCost } from './cost-estimate.js';
import type { CvEvent } from './cv/cross-validate.js';
import { type JobRunner, warmFitPool } from './cv/job-runner.js';
import { selectByCv } from './cv-selection.js';
import { selectOnHoldout } from './holdout-selection.js';
import { ModelTrainer, type TrainedCandidate, type TrainerEvent } from './model-trainer.js';
import type { Part, PipelineStage, Selection, StageRunner } from './selection.js';
import { chooseMethod, type MethodChoice } from './selection-method.js';
import { selectionWarnings } from './selection-warnings.js';
import { checkTargetVaries } from './target-check.js';
import type { TrainingConfig } from './training-config.js';
import { type InMemoryReport, loadInMemory, type TrainingData } from './training-data.js';

export type { PipelineStage };

/**
 * Progress of a training run: stages starting and ending, the selection method, candidates and
 * folds.
 */
export type PipelineEvent =
  | { type: 'stage_start'; stage: PipelineStage }
  | { type: 'stage_end'; stage: PipelineStage; seconds: number; summary: string }
  | { type: 'method'; choice: MethodChoice }
  /** The save waits for a registry or artifact store that cannot be reached (and tries again). */
  | { type: 'store_wait'; wait: StoreWait }
  | TrainerEvent
  | CvEvent;

/**
 * Options of a training run: the event listener, the clock and the registry tags of the new
 * version.
 */
export interface PipelineOptions {
  onEvent?: (e: PipelineEvent) => void;
  /** Clock for run ids (tests pin it). */
  now?: () => Date;
  /** Registry tags of the new version (e.g. {team: 'pricing'}). */
  tags?: Record<string, string>;
  /**
   * Where fit jobs run: default this machine's worker threads; a queue's runner
   * (`openQueueRunner`) spreads candidates × folds × trials over worker processes. Results are
   * the same either way. The pipeline never closes a runner it was given.
   */
  runner?: JobRunner;
  /**
   * Publish the saved run folder to an artifact store once it is registered, before any stage
   * moves (`tabflow train` passes `publishRun` on `storage.artifacts` when that is set).
   */
  publish?: SaveAndRegisterOptions['publish'];
  /**
   * Seconds the save waits, retrying, for a registry or artifact store that cannot be reached
   * (its server restarting) before the run fails with `store_unavailable` (default 60;
   * `tabflow train` passes `storage.wait_s`). Each wait is a `store_wait` event.
   */
  storeWaitS?: number;
}

/**
 * What a training run gives back: the saved and registered run, the selected candidate and every
 * trained one.
 */
export interface RunSummary extends SaveResult {
  best: TrainedCandidate;
  trained: TrainedCandidate[];
}

/** In-memory training data of `fit`, in place of `data.path`. */
interface InMemorySource {
  X: TrainingData;
  y?: ArrayLike<number | null>;
}

/**
 * The composition root of training: load, clean, split, select by cross-validation or holdout,
 * calibrate intervals, measure importance, save the run folder and register it. `run()` reads
 * `data.path`; `fit(X, y)` takes data in memory.
 */
export class TrainingPipeline {
  readonly config: TrainingConfig;
  private readonly options: PipelineOptions;
  private readonly onEvent: (e: PipelineEvent) => void;
  private readonly now: () => Date;
  private readonly tags: Record<string, string>;
  private readonly timings: Record<string, number> = {};

  constructor(config: TrainingConfig, options: PipelineOptions = {}) {
    this.config = config;
    this.options = options;
    this.onEvent = options.onEvent ?? (() => {});
    this.now = options.now ?? (() => new Date());
    this.tags = options.tags ?? {};
  }

  private async stage<T>(
    stage: PipelineStage,
    fn: () => T | Promise<T>,
    summary: (r: T) => string,
  ): Promise<T> {
    this.onEvent({ type: 'stage_start', stage });
    const t0 = performance.now();
    const r = await fn();
    const seconds = (performance.now() - t0) / 1000;
    this.timings[stage] = seconds;
    this.onEvent({ type: 'stage_end', stage, seconds, summary: summary(r) });
    return r;
  }

  /**
   * Train from data in memory, as scikit-learn's `fit(X, y)`: records, a columns object or a
   * Frame, with the target column inside `X` (named by `data.target`) or given apart as `y`
   * (then named `data.target`, else "target"). `data.path` is not read; the run records the
   * sha256 of the canonical records, and its saved config names no data file.
   */
  async fit(X: TrainingData, y?: ArrayLike<number | null>): Promise<RunSummary> {
    const data = this.config.data;
    const target = data.target ?? (y !== undefined ? 'target' : null);
    if (!target) {
      throw new DataError(
        'no_target',
        'No target given: set data.target to the target column of the data, or pass its values as y: fit(X, y)',
      );
    }
    const config = { ...this.config, data: { ...data, path: null, target } };
    return new TrainingPipeline(config, this.options).execute({ X, y });
  }

  /** Train from the file `data.path` of the config. */
  async run(): Promise<RunSummary> {
    return this.execute();
  }

  private async execute(source?: InMemorySource): Promise<RunSummary> {
    const cfg = this.config;
    // A run that could not be registered (bad name or tag, another model's folder) fails now.
    await checkRegistrable(cfg.output.dir, cfg.registry.name, this.tags);
    // Cross-validation's workers load while the data does, when cross-validation may follow.
    if (mayCrossValidate(cfg, source) && !this.options.runner) warmFitPool(cfg.training.threads);
    const rows = await this.prepareRows(source);
    // Another dataset under this model's name (other target or columns) fails before any fit.
    await checkSameDataset(
      cfg.output.dir,
      {
        target: rows.target,
        features: rows.all.frame.names,
        dataFile: basename(rows.loaded.report.path),
        rows: rows.loaded.report.rows,
      },
      cfg.registry.allow_data_change,
    );
    const choice = this.chooseMethod(rows);
    this.onEvent({ type: 'method', choice });
    const ctx = {
      cfg,
      parts: rows.parts,
      all: rows.all,
      groups: rows.groups,
      trainer: this.trainer(),
      choice,
      stage: this.stage.bind(this) as StageRunner,
      onEvent: this.onEvent,
      runner: this.options.runner,
    };
    const sel = choice.method === 'cv' ? await selectByCv(ctx) : await selectOnHoldout(ctx);
    try {
      return await this.finish(sel, { ...rows, choice, target: rows.target });
    } finally {
      await sel.dispose?.();
    }
  }

  /** load → clean → split, and the parts as feature frames and targets. */
  private async prepareRows(source?: InMemorySource) {
    const cfg = this.config;
    const { path, target } = cfg.data;
    if (!path && !source)
      throw new UsageError('no_data', 'No data file given: pass --data FILE or set data.path in the config');
    if (!target)
      throw new DataError(
        'no_target',
        'No target given: pass --target COLUMN or set data.target in the config',
      );
    const loaded = await this.stage(
      'load',
      async (): Promise<LoadedData | Loaded> =>
        source ? loadInMemory(source.X, source.y, target) : DataLoader.load(path!, loadOptionsOf(cfg)),
      (r: LoadedData | Loaded) =>
        `${r.frame.nRows.toLocaleString('en')} rows × ${r.frame.nCols} columns (${r.report.format}` +
        `${r.report.encoding ? `, ${r.report.encoding}` : ''})${r.report.encodingNote ? ` — note: ${r.report.encodingNote}` : ''}`,
    );
    const cleaned = await this.stage(
      'clean',
      () => new DataCleaner(cfg.cleaning, { decimal: cfg.data.decimal }).clean(loaded.frame, target),
      (r) =>
        `${r.report.rowsBefore.toLocaleString('en')} → ${r.report.rowsAfter.toLocaleString('en')} rows ` +
        `(${r.report.duplicatesDropped} duplicates, ${r.report.missingTargetDropped} missing target dropped)`,
    );
    const split = await this.stage(
      'split',
      () => new DataSplitter(cfg.split).split(cleaned.frame, target),
      (r) =>
        `train ${r.train.length.toLocaleString('en')} / val ${r.val.length.toLocaleString('en')} / test ${r.test.length.toLocaleString('en')} (${r.report.strategy})`,
    );
    const frame = cleaned.frame;
    const yAll = numericTarget(frame.get(target), target);
    checkTargetVaries(yAll, target, 'rows after cleaning');
    checkTargetVaries(yAll, target, `TRAIN rows (${split.report.strategy} split)`, split.train);
    const features = frame.drop([target, ...split.dropColumns]);
    const part = (rows: Uint32Array): Part => ({
      rows,
      frame: features.take(rows),
      y: Float64Array.from(rows, (i) => yAll[i]),
    });
    return {
      target,
      loaded,
      cleaned,
      split,
      parts: { train: part(split.train), val: part(split.val), test: part(split.test) },
      all: { frame: features, y: yAll },
      groups: cfg.split.strategy === 'group' ? groupIds(frame.get(cfg.split.group_column!)) : undefined,
    };
  }

  /** Cross-validation or the holdout, decided before anything is fitted (with a cost estimate). */
  private chooseMethod(rows: { parts: { train: Part; val: Part } }): MethodChoice {
    const cfg = this.config;
    const { train, val } = rows.parts;
    const width = matrixWidths(train.frame);
    return chooseMethod(cfg, {
      trainRows: train.y.length,
      valRows: val.y.length,
      cvCost: (folds, repeats) =>
        estimateCvCost({
          candidates: cfg.models,
          rows: train.y.length + val.y.length,
          width,
          folds,
          repeats,
          lanes: Math.min(cfg.training.threads ?? availableParallelism(), availableParallelism()),
        }),
    });
  }

  private trainer(): ModelTrainer {
    const cfg = this.config;
    return new ModelTrainer(cfg.models, {
      seed: cfg.training.seed,
      candidateBudgetS: cfg.training.candidate_time_budget_s,
      totalBudgetS: cfg.training.time_budget_s,
      threads: cfg.training.threads,
      trainMetricsRows: cfg.training.train_metrics_rows,
      tuneMetric: cfg.selection.metric,
      onEvent: this.onEvent,
    });
  }

  /** Calibrate, measure importance and save: the same after either selection method. */
  private async finish(
    sel: Selection,
    r: {
      loaded: LoadedData | Loaded;
      cleaned: { report: unknown };
      split: { report: unknown };
      choice: MethodChoice;
      target: string;
    },
  ): Promise<RunSummary> {
    const cfg = this.config;
    const { loaded, cleaned, split, choice, target } = r;
    const { best, trained, chosen } = sel;
    // The save's sorts of the TRAIN columns run on a second thread meanwhile: calibration and
    // importance leave it idle (cross-validation's calibration fits on the pool; a few rows then).
    const sorts = sortOnThread(summarisedArrays(sel));
    try {
      // Calibration fits on the worker threads while importance predicts on this one.
      const [intervals] = await Promise.all([this.calibrate(sel), this.importance(sel)]);
      const saved = await this.stage(
        'save',
        async () =>
          saveAndRegister(
            {
              config: cfg,
              now: this.now(),
              tags: this.tags,
              loaded: loaded.report,
              cleaning: cleaned.report,
              split: split.report,
              selection: choice,
              selectionSe: sel.se,
              warnings: selectionWarnings(
                trained.map((t) => t.result),
                best.spec.name,
                cfg.selection.metric,
                sel.se,
                choice.method,
              ),
              target,
              yTrain: sel.fitted.y,
              preprocessor: chosen.pre,
              modelFeatures: chosen.data.features.map((f) => f.name),
              best: {
                name: best.spec.name,
                kind: best.spec.model,
                result: best.result,
                model: best.fitted!.toJSON(),
              },
              models: trained.map((t) => t.result),
              timings: this.timings,
              intervals,
              explainBackground: backgroundFor(best.fitted!, chosen.data.train.X, cfg.training.seed),
              ...trainSummaries(sel, target, await sorts.collect()),
            },
            {
              publish: this.options.publish,
              storeWait: {
                seconds: this.options.storeWaitS,
                onWait: (wait) => this.onEvent({ type: 'store_wait', wait }),
              },
            },
          ),
        (r) => r.runDir,
      );
      return { ...saved, best, trained };
    } finally {
      // Ended in any case: a calibration or save that throws leaves no thread behind.
      await sorts.close();
    }
  }

  /** Conformal intervals of the selected model on rows it was not fitted on, checked on TEST. */
  private async calibrate(sel: Selection) {
    const cfg = this.config;
    const { interval_method: mode, interval_coverage: coverage } = cfg.inference;
    if (mode === 'none') return undefined;
    const { best, chosen } = sel;
    return this.stage(
      'calibrate',
      async () => {
        const iv = await sel.calibrate({ coverage, mode, seed: cfg.training.seed });
        const { test } = chosen.data;
        const pred = best.preds?.test ?? best.fitted!.predict(test.X);
        return { calibration: iv.json, test: iv.evaluate(pred, test.X, test.y) };
      },
      (r) =>
        `${r.calibration.mode}${mode === 'auto' ? ' (lower interval score)' : ''} ${(coverage * 100).toFixed(0)}% intervals ` +
        `on ${r.calibration.n.toLocaleString('en')} ${r.calibration.calibrated_on === 'out_of_fold' ? 'out-of-fold' : 'VAL'} residuals: ` +
        `test coverage ${(r.test.coverage * 100).toFixed(1)}%, mean width ${r.test.mean_width.toPrecision(4)}`,
    );
  }

  /** Global importance of the selected model on TEST (subsampled to ≤ 5,000 rows: cheap). */
  private async importance(sel: Selection): Promise<void> {
    const { best, chosen } = sel;
    const { test, features } = chosen.data;
    if (test.y.length < 2) return;
    const fitted = best.fitted!;
    best.result.permutation_importance = await this.stage(
      'importance',
      () => permutationImportanceAsync(fitted, test.X, test.y, features, { seed: this.config.training.seed }),
      (r) =>
        `permutation importance (R² drop) on ${r.rows.toLocaleString('en')} TEST rows × ${r.repeats} repeats`,
    );
  }
}

/**
 * What the run keeps of the TRAIN rows: the data contract's quantiles and the reference profile
 * monitoring compares live traffic with (raw inputs the model was fitted on, TEST predictions);
 * both read the same sorted columns, each sorted once.
 */
function trainSummaries(sel: Selection, target: string, sorted: SortedOnce) {
  const { best, chosen, fitted } = sel;
  return {
    featureQuantiles: trainQuantiles(fitted.frame, sorted),
    profile: serializeReferenceProfile(
      buildReferenceProfile(fitted.frame, {
        predictions: best.preds?.test ?? best.fitted!.predict(chosen.data.test.X),
        target: { name: target, values: fitted.y },
        sorted,
      }),
    ),
  };
}

/**
 * Data files from this size on are warmed no fit pool while they load. `auto` cross-validates at
 * most `selection.cv_max_rows` (20,000) TRAIN+VAL rows, so a file this large rarely can; its
 * holdout run never uses the pool (its calibration fits here), whose workers loading the model
 * families took ~0.6 s of CPU from the parse and 25 MB at 1M rows. A large file that does
 * cross-validate starts the pool when the folds begin (~0.3 s later than warmed).
 */
export const WARM_POOL_MAX_BYTES = 32 << 20;

/** Whether the run may cross-validate, as far as is known before loading. */
function mayCrossValidate(cfg: TrainingConfig, source: InMemorySource | undefined): boolean {
  const method = cfg.selection.method;
  if (method === 'holdout') return false;
  if (method === 'cv' || source || !cfg.data.path) return true;
  try {
    return statSync(cfg.data.path).size < WARM_POOL_MAX_BYTES;
  } catch {
    return true;
  }
}

/**
 * The arrays `trainSummaries` sorts: TRAIN's numeric and datetime columns, the target and the
 * TEST predictions when the selection kept them (else they are predicted, and sorted, later).
 */
function summarisedArrays(sel: Selection): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of sel.fitted.frame.columns)
    if (c.type === 'numeric' || c.type === 'datetime') out.push(c.values);
  out.push(sel.fitted.y);
  const test = sel.best.preds?.test;
  if (test) out.push(test);
  return out;
}

/** Data loaded from memory rather than a file. */
interface Loaded {
  frame: Frame;
  report: InMemoryReport & Partial<Pick<LoadedData['report'], 'encoding' | 'encodingNote'>>;
}

/** Model-matrix widths per encoding, roughly (before preprocessing: one-hot counts the levels). */
function matrixWidths(frame: Frame): { onehot: number; ordinal: number } {
  let onehot = 0;
  for (const c of frame.columns) onehot += c.type === 'categorical' ? Math.max(1, c.dictionary.length) : 1;
  return { onehot, ordinal: frame.nCols };
}

/** A dense id per distinct value of the group column (missing values form one group). */
function groupIds(col: Column): Int32Array {
  const ids = new Map<string | number | boolean | null, number>();
  const out = new Int32Array(columnLength(col));
  for (let i = 0; i < out.length; i++) {
    const v = cellValue(col, i);
    let id = ids.get(v);
    if (id === undefined) {
      id = ids.size;
      ids.set(v, id);
    }
    out[i] = id;
  }
  return out;
}

function numericTarget(col: Column, name: string): Float64Array {
  if (col.type !== 'numeric') {
    throw new DataError(
      'target_not_numeric',
      `Target column "${name}" is ${col.type}, not numeric; choose a numeric target`,
    );
  }
  return col.values;
}

export type { Frame };
