/**
 * The model matrices of one fold: a preprocessor per encoding is fitted on the fold's own
 * fitting rows only — never on its held-out rows — and transforms both sides. The matrices go
 * into shared memory once, so every candidate's job on this fold reads them without a copy.
 */
import type { Matrix } from '../../core/matrix.js';
import type { Frame } from '../../data/frame.js';
import type { FeatureInfo, InputEncoding } from '../../models/regressor.js';
import { type PreprocessConfig, ProductionPreprocessor } from '../../preprocess/index.js';
import type { Fold } from './folds.js';

export interface FoldMatrices {
  readonly features: readonly FeatureInfo[];
  readonly fit: { readonly X: Matrix; readonly y: Float64Array };
  readonly held: { readonly X: Matrix; readonly y: Float64Array };
}

export type FoldData = ReadonlyMap<InputEncoding, FoldMatrices>;

/** Matrices of `fold` for each encoding; `shared` places them in SharedArrayBuffers. */
export function prepareFold(
  frame: Frame,
  y: Float64Array,
  fold: Fold,
  encodings: readonly InputEncoding[],
  config: PreprocessConfig,
  shared: boolean,
): FoldData {
  const fitFrame = frame.take(fold.fit);
  const heldFrame = frame.take(fold.held);
  const copy = shared ? toShared : (a: Float64Array) => a;
  const yFit = copy(Float64Array.from(fold.fit, (i) => y[i]));
  const yHeld = copy(Float64Array.from(fold.held, (i) => y[i]));
  const out = new Map<InputEncoding, FoldMatrices>();
  for (const encoding of encodings) {
    const pre = new ProductionPreprocessor(config, { encoding }).fit(fitFrame);
    const fit = pre.transform(fitFrame);
    const held = pre.transform(heldFrame);
    out.set(encoding, {
      features: fit.features,
      fit: { X: { ...fit.X, data: copy(fit.X.data) }, y: yFit },
      held: { X: { ...held.X, data: copy(held.X.data) }, y: yHeld },
    });
  }
  return out;
}

function toShared(a: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}
