/**
 * The training data every tree of a fit reads, placed once in SharedArrayBuffers so worker threads
 * see it without a copy: posting a task clones only the small handles, never the rows.
 */
import type { Matrix } from '../../core/matrix.js';
import type { BinnedData } from '../tree/binning.js';

export interface SharedTrainData {
  /** Column-major bins (the tree core's BinnedData). */
  readonly binned: BinnedData;
  readonly y: Float64Array;
  /** Raw row-major features, only when out-of-bag predictions are wanted (trees split on raw values). */
  readonly X: Matrix | null;
}

function share<T extends Uint8Array | Float64Array>(src: T): T {
  const sab = new SharedArrayBuffer(src.byteLength);
  const out = new (src.constructor as new (b: SharedArrayBuffer) => T)(sab);
  out.set(src);
  return out;
}

/** Copy bins, targets (and raw X for OOB) into shared memory once per fit. */
export function shareTrainData(binned: BinnedData, y: Float64Array, X: Matrix | null): SharedTrainData {
  return {
    binned: { nRows: binned.nRows, nFeatures: binned.nFeatures, bins: share(binned.bins) },
    y: share(y),
    X: X ? { rows: X.rows, cols: X.cols, data: share(X.data) } : null,
  };
}
