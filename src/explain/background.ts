/**
 * The background sample of the model-agnostic explainer: a few TRAIN rows picked with a seed, so
 * an inference artifact can store them and every explanation is reproducible.
 */
import { ConfigError } from '../core/errors.js';
import { type Matrix, takeRows } from '../core/matrix.js';
import { Rng } from '../core/random.js';

export const DEFAULT_BACKGROUND_ROWS = 50;

/** Up to `n` distinct rows of X chosen uniformly with `seed`, kept in their original order. */
export function pickBackground(X: Matrix, n = DEFAULT_BACKGROUND_ROWS, seed = 0): Matrix {
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError([
      {
        path: 'background_rows',
        code: 'out_of_range',
        message: `background_rows = ${n}; use an integer ≥ 1`,
      },
    ]);
  }
  if (X.rows <= n)
    return takeRows(
      X,
      Uint32Array.from({ length: X.rows }, (_, i) => i),
    );
  const idx = new Rng(seed).permutation(X.rows).subarray(0, n).sort();
  return takeRows(X, idx);
}
