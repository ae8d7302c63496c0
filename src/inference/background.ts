/**
 * The background sample the model-agnostic explainer (SVR, k-NN) needs at inference time: a few
 * TRAIN rows of the model matrix, picked with the run's seed at training and stored in
 * metadata.json, so explanations of a saved model are reproducible. Tree and linear models
 * are explained exactly and store none.
 */
import { decodeF64, type EncodedF64, encodeF64 } from '../core/codec.js';
import { ArtifactError } from '../core/errors.js';
import { type Matrix, matrix } from '../core/matrix.js';
import { needsBackground, pickBackground } from '../explain/index.js';
import type { FittedRegressor } from '../models/regressor.js';

export interface BackgroundJson {
  rows: number;
  cols: number;
  data: EncodedF64;
}

/** The sample to store for `model`, or undefined when its explanations are exact. */
export function backgroundFor(
  model: FittedRegressor,
  trainX: Matrix,
  seed: number,
): BackgroundJson | undefined {
  if (!needsBackground(model)) return undefined;
  const b = pickBackground(trainX, undefined, seed);
  return { rows: b.rows, cols: b.cols, data: encodeF64(b.data) };
}

export function backgroundFromJson(json: unknown, nFeatures: number): Matrix {
  const b = json as BackgroundJson;
  const data = decodeF64(b?.data, 'metadata.json explain_background.data');
  if (b.cols !== nFeatures || b.rows * b.cols !== data.length) {
    throw new ArtifactError(
      'bad_background',
      `metadata.json explain_background is ${b.rows} × ${b.cols} (${data.length} values); ` +
        `the model has ${nFeatures} features`,
    );
  }
  return matrix(b.rows, b.cols, data);
}
