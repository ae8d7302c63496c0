/**
 * One-hot matrices from ordinal ones. The preprocessor fits the same statistics whatever the
 * encoding and only writes categorical columns differently (`writeCategorical`): ordinal puts the
 * slot s ∈ 0..k−1 in one column (NaN = unknown / no slot), one-hot sets indicator s of k columns
 * (all zeros = unknown / no slot); every other column is the same. So a one-hot matrix is an exact
 * function of the ordinal one, and an ensemble can take one ordinal matrix and hand each one-hot
 * member its own expansion (test/models/ensemble-expansion.test.ts proves it on ames).
 *
 * The expanded columns of a categorical input are named `<input>#<slot>`: FeatureInfo carries no
 * level names, and the expansion only needs each column's `kind` (numeric) and `source`.
 */
import { ValidationError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import type { FeatureInfo } from '../regressor.js';

/**
 * Where each ordinal input column lands in the one-hot expansion a member fitted on one-hot
 * columns takes.
 */
export interface OnehotLayout {
  /** Per input column: 0 = numeric (copied as is), k ≥ 1 = ordinal categorical with k slots. */
  readonly slots: Int32Array;
  /** First expanded column of each input column (length inputs + 1; the last is `width`). */
  readonly start: Int32Array;
  /** Columns of the expanded matrix. */
  readonly width: number;
  /** Input column of each expanded column (for folding attributions and importances back). */
  readonly inputOf: Int32Array;
  /** False when every input is numeric: the expansion is then the identity. */
  readonly hasCategorical: boolean;
}

/** The layout of an ordinal model matrix described by `features` (its FeatureInfo[]). */
export function onehotLayout(features: readonly FeatureInfo[]): OnehotLayout {
  const slots = new Int32Array(features.length);
  features.forEach((f, j) => {
    if (f.kind !== 'categorical') return;
    const k = f.nCategories;
    if (k === undefined || !Number.isInteger(k) || k < 1) {
      throw new RangeError(
        `onehotLayout: features[${j}] ("${f.name}") is categorical with nCategories = ${k}; expected an integer ≥ 1`,
      );
    }
    slots[j] = k;
  });
  return layoutFromSlots(slots);
}

/** A layout from its per-input slot counts (as stored in an artifact); throws RangeError on a bad count. */
export function layoutFromSlots(slots: Int32Array): OnehotLayout {
  const d = slots.length;
  const start = new Int32Array(d + 1);
  let hasCategorical = false;
  for (let j = 0; j < d; j++) {
    const k = slots[j];
    if (!(k >= 0))
      throw new RangeError(`layout: input column ${j} has ${k} slots; expected 0 (numeric) or ≥ 1`);
    if (k > 0) hasCategorical = true;
    start[j + 1] = start[j] + Math.max(1, k);
  }
  const width = start[d];
  const inputOf = new Int32Array(width);
  for (let j = 0; j < d; j++) inputOf.fill(j, start[j], start[j + 1]);
  return { slots, start, width, inputOf, hasCategorical };
}

/**
 * The one-hot matrix of an ordinal matrix: numeric columns copied, a categorical code s set as
 * indicator s, NaN as all zeros. Returns X itself when the layout has no categorical column.
 * Throws a ValidationError for a code that is not an integer in 0..k−1 (no preprocessor writes one).
 */
export function expandOnehot(X: Matrix, layout: OnehotLayout): Matrix {
  const { slots, start, width } = layout;
  const d = slots.length;
  if (X.cols !== d) {
    throw new ValidationError(
      [
        {
          path: 'X',
          code: 'feature_count',
          message: `one-hot expansion: the layout has ${d} input columns but X has ${X.cols}`,
        },
      ],
      'Wrong feature count',
    );
  }
  if (!layout.hasCategorical) return X;
  const src = X.data;
  const out = new Float64Array(X.rows * width);
  for (let i = 0; i < X.rows; i++) {
    const si = i * d;
    const oi = i * width;
    for (let j = 0; j < d; j++) {
      const v = src[si + j];
      const k = slots[j];
      if (k === 0) out[oi + start[j]] = v;
      else if (!Number.isNaN(v)) {
        if (!(v >= 0 && v < k && Number.isInteger(v))) badCode(i, j, v, k);
        out[oi + start[j] + v] = 1;
      }
    }
  }
  return { rows: X.rows, cols: width, data: out };
}

function badCode(i: number, j: number, v: number, k: number): never {
  throw new ValidationError(
    [
      {
        path: `X[${i}, ${j}]`,
        code: 'bad_category_code',
        message: `X[${i}, ${j}] = ${v} is not a category code of this column: expected an integer in 0..${k - 1} or NaN`,
      },
    ],
    'Invalid categorical input',
  );
}

/** FeatureInfo of the expanded matrix: `<name>#<slot>` indicators (numeric) with the input's source. */
export function expandedFeatures(features: readonly FeatureInfo[], layout: OnehotLayout): FeatureInfo[] {
  if (features.length !== layout.slots.length) {
    throw new RangeError(
      `expandedFeatures: ${features.length} feature descriptions for a layout of ${layout.slots.length} columns`,
    );
  }
  const out: FeatureInfo[] = [];
  features.forEach((f, j) => {
    const k = layout.slots[j];
    if (k === 0) out.push(f);
    else for (let s = 0; s < k; s++) out.push({ name: `${f.name}#${s}`, kind: 'numeric', source: f.source });
  });
  return out;
}

/** Sum the per-expanded-column values `v` (length `width`) back into the input columns. */
export function foldToInputColumns(v: ArrayLike<number>, layout: OnehotLayout): Float64Array {
  const out = new Float64Array(layout.slots.length);
  for (let c = 0; c < layout.width; c++) out[layout.inputOf[c]] += v[c];
  return out;
}
