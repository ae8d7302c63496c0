/**
 * The project's families run the public conformance suite (`tabflow/testing`) on standardised
 * concrete (Yeh 1998), split 80/20 with seed 3.
 */
import { takeRows } from '../../src/core/matrix.js';
import { checkModelFamily } from '../../src/testing/index.js';
import { concrete, splitIdx, standardize } from '../helpers/datasets.js';

export interface ConformanceOptions {
  /** Params for the candidate under test. */
  params?: Record<string, unknown>;
  /** Minimum test R² on standardised concrete (linear models reach ~0.6, trees ~0.85+). */
  minR2: number;
}

export function conformance(kind: string, opts: ConformanceOptions): void {
  const data = concrete();
  const X = standardize(data.X);
  const { train, test } = splitIdx(X.rows, 0.2, 3);
  checkModelFamily(kind, {
    ...opts,
    data: {
      train: { X: takeRows(X, train), y: Float64Array.from(train, (i) => data.y[i]) },
      test: { X: takeRows(X, test), y: Float64Array.from(test, (i) => data.y[i]) },
      names: data.names,
    },
  });
}
