/**
 * The background sample the model-agnostic explainer (SVR, k-NN) needs at inference time: a few
 * TRAIN rows of the model matrix, picked with the run's seed at training and stored in
 * metadata.json `explain_background`, so explanations of a saved model are reproducible. Tree
 * and linear models are explained exactly and store none.
 */
import { ArtifactError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import {
  decodeBackground,
  type EncodedBackground,
  encodeBackground,
  needsBackground,
  pickBackground,
} from '../explain/index.js';
import type { FittedRegressor } from '../models/regressor.js';

export type BackgroundJson = EncodedBackground;

/** The sample to store for `model`, or undefined when its explanations are exact. */
export function backgroundFor(
  model: FittedRegressor,
  trainX: Matrix,
  seed: number,
): BackgroundJson | undefined {
  return needsBackground(model) ? encodeBackground(pickBackground(trainX, undefined, seed)) : undefined;
}

export function backgroundFromJson(json: unknown, nFeatures: number): Matrix {
  const m = decodeBackground(json, 'metadata.json explain_background');
  if (m.cols !== nFeatures) {
    throw new ArtifactError(
      'bad_background',
      `metadata.json explain_background has ${m.cols} columns; the model has ${nFeatures} features`,
    );
  }
  return m;
}
