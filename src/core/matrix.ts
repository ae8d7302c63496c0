/**
 * Dense row-major matrix over a Float64Array: the one numeric exchange format between the
 * preprocessor and the models. `data[i * cols + j]` is row i, feature j. Missing = NaN.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * A row-major rows × cols matrix over `data` (zeros when omitted); throws a RangeError when the
 * length does not match.
 */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new RangeError(`matrix: data has ${d.length} values but ${rows}×${cols} = ${rows * cols} expected`);
  }
  return { rows, cols, data: d };
}

/** Build a matrix from nested arrays (tests, small inputs). */
export function fromRows(rows: ArrayLike<number>[]): Matrix {
  const n = rows.length;
  const p = n === 0 ? 0 : rows[0].length;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.length !== p) throw new RangeError(`fromRows: row ${i} has ${r.length} values, row 0 has ${p}`);
    for (let j = 0; j < p; j++) out[i * p + j] = r[j];
  }
  return { rows: n, cols: p, data: out };
}

/** Copy of the given rows, in the given order. */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const p = m.cols;
  const out = new Float64Array(idx.length * p);
  for (let k = 0; k < idx.length; k++) {
    const src = idx[k] * p;
    out.set(m.data.subarray(src, src + p), k * p);
  }
  return { rows: idx.length, cols: p, data: out };
}

/** Column j as a new Float64Array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0, k = j; i < m.rows; i++, k += m.cols) out[i] = m.data[k];
  return out;
}

/** Row i as a subarray view (no copy). */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
