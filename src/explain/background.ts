/**
 * The background sample of the model-agnostic explainer: a few TRAIN rows picked with a seed, so
 * an inference artifact can store them and every explanation is reproducible.
 */
import { decodeF64, type EncodedF64, encodeF64 } from '../core/codec.js';
import { ArtifactError, ConfigError } from '../core/errors.js';
import { type Matrix, takeRows } from '../core/matrix.js';
import { Rng } from '../core/random.js';

/**
 * Reference rows kept for the sampling explainer when none are asked for: enough for stable
 * attributions, small enough for metadata.json.
 */
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

/** A background sample as plain JSON (for an inference artifact): rows, cols and the f64 data. */
export interface EncodedBackground {
  rows: number;
  cols: number;
  data: EncodedF64;
}

export function encodeBackground(m: Matrix): EncodedBackground {
  return { rows: m.rows, cols: m.cols, data: encodeF64(m.data) };
}

export function decodeBackground(json: unknown, what = 'background'): Matrix {
  const e = json as EncodedBackground | null;
  if (!e || typeof e !== 'object' || !Number.isInteger(e.rows) || !Number.isInteger(e.cols)) {
    throw new ArtifactError('bad_state', `${what} must be {rows, cols, data}`);
  }
  const data = decodeF64(e.data, `${what}.data`);
  if (data.length !== e.rows * e.cols) {
    throw new ArtifactError(
      'bad_state',
      `${what}: ${data.length} values for ${e.rows} rows × ${e.cols} columns`,
    );
  }
  return { rows: e.rows, cols: e.cols, data };
}
