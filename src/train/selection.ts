/**
 * What both selection methods hand back to the pipeline, and what they get from it. A method
 * fits every candidate's final model, scores them, picks the best and knows how to calibrate the
 * best model's intervals on rows it was not fitted on.
 */
import type { Frame } from '../data/frame.js';
import type { IntervalMethod, Intervals } from '../inference/conformal.js';
import type { FittedPreprocessor } from '../preprocess/index.js';
import type { JobRunner } from './cv/job-runner.js';
import type { ModelTrainer, PreparedData, TrainedCandidate, TrainerEvent } from './model-trainer.js';
import type { MethodChoice } from './selection-method.js';
import type { TrainingConfig } from './training-config.js';

/**
 * The stages of a training run, in `stage_start`/`stage_end` events and the timings of
 * metadata.json.
 */
export type PipelineStage =
  | 'load'
  | 'clean'
  | 'split'
  | 'tune'
  | 'cv'
  | 'preprocess'
  | 'train'
  | 'refit'
  | 'evaluate'
  | 'ensemble'
  | 'select'
  | 'calibrate'
  | 'importance'
  | 'save';

/** Runs one pipeline stage: timed, announced, summarised. */
export type StageRunner = <T>(
  stage: PipelineStage,
  fn: () => T | Promise<T>,
  summary: (r: T) => string,
) => Promise<T>;

export interface Part {
  /** Row indices into the cleaned frame, ascending. */
  readonly rows: Uint32Array;
  /** Feature columns of those rows (target and split-only columns dropped). */
  readonly frame: Frame;
  readonly y: Float64Array;
}

export interface SelectionContext<E> {
  readonly cfg: TrainingConfig;
  readonly parts: { readonly train: Part; readonly val: Part; readonly test: Part };
  /** Feature columns and targets of every cleaned row (the parts index into them). */
  readonly all: { readonly frame: Frame; readonly y: Float64Array };
  /** Group id per cleaned row (split strategy group): folds keep groups together. */
  readonly groups?: Int32Array;
  readonly trainer: ModelTrainer;
  readonly choice: MethodChoice;
  readonly stage: StageRunner;
  readonly onEvent: (e: E | TrainerEvent) => void;
  /** Where fit jobs run, when not on this machine's threads (the caller closes it). */
  readonly runner?: JobRunner;
}

export interface Selection {
  /** Every candidate (the ensemble included), its final model fitted where it succeeded. */
  readonly trained: TrainedCandidate[];
  readonly best: TrainedCandidate;
  /** The preprocessor the best model's input comes from, and its matrices. */
  readonly chosen: { readonly pre: FittedPreprocessor; readonly data: PreparedData };
  /** The raw rows and targets the final models were fitted on (TRAIN, or TRAIN+VAL under cv). */
  readonly fitted: { readonly frame: Frame; readonly y: Float64Array };
  /** Conformal intervals of the best model, calibrated on rows it was not fitted on. */
  calibrate(o: { coverage: number; mode: IntervalMethod; seed: number }): Promise<Intervals>;
  /** One line on how the best was chosen, for the progress output. */
  readonly summary: string;
  /** Standard error of the best's selection score (cv: sd/√folds; holdout: bootstrap over VAL). */
  readonly se: number;
  /** Releases what the method kept for calibration (worker threads); the pipeline calls it last. */
  dispose?(): Promise<void>;
}
