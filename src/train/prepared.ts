/**
 * The final preprocessors of a run: one per encoding the candidates want, each fitted on the rows
 * the final models are fitted on (TRAIN, or TRAIN+VAL after cross-validation) and nothing else,
 * then applied to the other parts.
 */
import type { Frame } from '../data/frame.js';
import type { InputEncoding } from '../models/regressor.js';
import {
  type FittedPreprocessor,
  type PreprocessConfig,
  ProductionPreprocessor,
} from '../preprocess/index.js';
import type { PreparedData } from './model-trainer.js';

export interface Prepared {
  readonly pre: FittedPreprocessor;
  readonly data: PreparedData;
}

export type PreparedByEncoding = ReadonlyMap<InputEncoding, Prepared>;

interface Rows {
  readonly frame: Frame;
  readonly y: Float64Array;
}

/** `val` may be absent (cross-validation folds VAL into the fitting rows). */
export function prepareEncodings(
  encodings: readonly InputEncoding[],
  config: PreprocessConfig,
  parts: { readonly fit: Rows; readonly val?: Rows; readonly test: Rows },
): PreparedByEncoding {
  const out = new Map<InputEncoding, Prepared>();
  for (const encoding of encodings) {
    const pre = new ProductionPreprocessor(config, { encoding }).fit(parts.fit.frame);
    const tr = pre.transform(parts.fit.frame);
    const val = parts.val
      ? { X: pre.transform(parts.val.frame).X, y: parts.val.y }
      : { X: { rows: 0, cols: tr.X.cols, data: new Float64Array(0) }, y: new Float64Array(0) };
    out.set(encoding, {
      pre,
      data: {
        features: tr.features,
        train: { X: tr.X, y: parts.fit.y },
        val,
        test: { X: pre.transform(parts.test.frame).X, y: parts.test.y },
      },
    });
  }
  return out;
}

/** "onehot: 304 model features, ordinal: 73 model features" */
export function describePrepared(m: PreparedByEncoding): string {
  return [...m].map(([enc, p]) => `${enc}: ${p.data.features.length} model features`).join(', ');
}

/** The prepared data of an encoding the run fitted (a bug if it did not). */
export function preparedFor(m: PreparedByEncoding, enc: InputEncoding): Prepared {
  const p = m.get(enc);
  if (!p) throw new Error(`no preprocessor fitted for encoding ${enc}`);
  return p;
}

/** The encoding that feeds an ensemble: ordinal when the run has it (one-hot members expand it). */
export function ensembleInput(m: PreparedByEncoding): InputEncoding {
  return m.has('ordinal') ? 'ordinal' : 'onehot';
}
