/**
 * Model matrices for the explanation tests: diamonds (numeric + three categorical inputs, first
 * rows of the bundled CSV) through the real preprocessor, in either encoding, and concrete.
 */
import type { Matrix } from '../../src/core/matrix.js';
import { takeRows } from '../../src/core/matrix.js';
import type { Frame } from '../../src/data/frame.js';
import type { FeatureInfo, FittedRegressor, InputEncoding } from '../../src/models/regressor.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';
import { readBundled } from '../helpers/csv-frame.js';
import { concrete, splitIdx } from '../helpers/datasets.js';

export interface Prepared {
  train: { X: Matrix; y: Float64Array };
  test: { X: Matrix; y: Float64Array };
  features: FeatureInfo[];
}

let diamondsFrame: Frame | undefined;

/** `n` diamonds rows (seeded), 80/20 split, preprocessed for the given encoding; target price. */
export function diamonds(encoding: InputEncoding, n = 3000): Prepared {
  diamondsFrame ??= readBundled('diamonds');
  const all = diamondsFrame;
  const idx = splitIdx(all.nRows, 1 - n / all.nRows, 5).train;
  const frame = all.take(idx);
  const price = frame.get('price');
  if (price.type !== 'numeric') throw new Error('diamonds: price should be numeric');
  const y = Float64Array.from(price.values);
  const X = frame.drop(['price']);
  const { train, test } = splitIdx(frame.nRows, 0.2, 6);
  const pre = new ProductionPreprocessor(resolvePreprocessConfig({}), { encoding }).fit(X.take(train));
  const tr = pre.transform(X.take(train));
  return {
    train: { X: tr.X, y: Float64Array.from(train, (i) => y[i]) },
    test: { X: pre.transform(X.take(test)).X, y: Float64Array.from(test, (i) => y[i]) },
    features: tr.features,
  };
}

/** concrete.csv (all numeric), 80/20 split. */
export function concreteData(): Prepared {
  const d = concrete();
  const { train, test } = splitIdx(d.X.rows, 0.2, 7);
  const features: FeatureInfo[] = d.names.map((name) => ({ name, kind: 'numeric', source: name }));
  return {
    train: { X: takeRows(d.X, train), y: Float64Array.from(train, (i) => d.y[i]) },
    test: { X: takeRows(d.X, test), y: Float64Array.from(test, (i) => d.y[i]) },
    features,
  };
}

export async function fitModel(
  kind: string,
  params: Record<string, unknown>,
  d: Prepared,
  seed = 3,
): Promise<FittedRegressor> {
  return createModel(kind, params).fit(d.train.X, d.train.y, { features: d.features, seed, threads: 1 });
}

/** Largest |base + Σ_j φ_ij − prediction_i| over the rows. */
export function efficiencyGap(base: number, values: Float64Array, width: number, pred: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < pred.length; i++) {
    let s = base;
    for (let j = 0; j < width; j++) s += values[i * width + j];
    worst = Math.max(worst, Math.abs(s - pred[i]));
  }
  return worst;
}
