/**
 * Frame: an immutable columnar table on typed arrays. Verbs (`select`, `drop`, `take`, ...)
 * return new frames; column buffers are shared where nothing changes.
 *
 * Missing values: numeric and datetime hold NaN, categorical holds code -1, boolean holds 255.
 */
import { DataError } from '../core/errors.js';

/**
 * The four column types of a Frame; config `cleaning.types` and the data contract use the same
 * names.
 */
export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime';

/** Numbers as a Float64Array; NaN is missing. */
export interface NumericColumn {
  readonly type: 'numeric';
  readonly values: Float64Array;
}
/** Dictionary-encoded strings: `dictionary[codes[i]]`, code -1 = missing. */
export interface CategoricalColumn {
  readonly type: 'categorical';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}
/** 0 = false, 1 = true, 255 = missing. */
export interface BooleanColumn {
  readonly type: 'boolean';
  readonly values: Uint8Array;
}
/** Milliseconds since the Unix epoch (UTC), NaN = missing. */
export interface DatetimeColumn {
  readonly type: 'datetime';
  readonly values: Float64Array;
}
/** One column of a Frame: typed arrays per type, each with its own missing marker. */
export type Column = NumericColumn | CategoricalColumn | BooleanColumn | DatetimeColumn;

/** The code of a missing cell in a boolean column (true and false are 1 and 0). */
export const BOOL_MISSING = 255;

/**
 * An immutable table of named typed columns, what every stage from loading to inference works on;
 * `take`, `drop` and `select` return new frames.
 */
export class Frame {
  readonly names: readonly string[];
  readonly columns: readonly Column[];
  readonly nRows: number;
  private readonly index: Map<string, number>;

  constructor(names: readonly string[], columns: readonly Column[]) {
    if (names.length !== columns.length) throw new RangeError('Frame: names and columns differ in length');
    this.names = names;
    this.columns = columns;
    this.nRows = columns.length ? columnLength(columns[0]) : 0;
    this.index = new Map();
    names.forEach((n, i) => {
      if (this.index.has(n))
        throw new DataError('duplicate_column', `Column name "${n}" appears more than once`);
      this.index.set(n, i);
      if (columnLength(columns[i]) !== this.nRows) {
        throw new RangeError(
          `Frame: column "${n}" has ${columnLength(columns[i])} rows, expected ${this.nRows}`,
        );
      }
    });
  }

  static fromColumns(cols: Record<string, Column>): Frame {
    return new Frame(Object.keys(cols), Object.values(cols));
  }

  get nCols(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  /** The column called `name`; a DataError listing the columns if absent. */
  get(name: string): Column {
    const i = this.index.get(name);
    if (i === undefined) {
      throw new DataError(
        'missing_column',
        `Column "${name}" not found; columns are: ${this.names.join(', ')}`,
      );
    }
    return this.columns[i];
  }

  typeOf(name: string): ColumnType {
    return this.get(name).type;
  }

  select(names: readonly string[]): Frame {
    return new Frame(
      [...names],
      names.map((n) => this.get(n)),
    );
  }

  drop(names: readonly string[]): Frame {
    const gone = new Set(names);
    const keep = this.names.filter((n) => !gone.has(n));
    return this.select(keep);
  }

  /** Replace or append a column. */
  withColumn(name: string, col: Column): Frame {
    const i = this.index.get(name);
    if (i === undefined) return new Frame([...this.names, name], [...this.columns, col]);
    const cols = [...this.columns];
    cols[i] = col;
    return new Frame(this.names, cols);
  }

  /** Rows at the given indices, in that order. */
  take(idx: ArrayLike<number>): Frame {
    return new Frame(
      this.names,
      this.columns.map((c) => takeColumn(c, idx)),
    );
  }

  /** Rows where mask[i] is non-zero. */
  filter(mask: Uint8Array): Frame {
    let n = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
    const idx = new Uint32Array(n);
    for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) idx[k++] = i;
    return this.take(idx);
  }

  /** Value of one cell as plain JS (string, number, boolean, Date ISO string or null). */
  cell(name: string, i: number): string | number | boolean | null {
    return cellValue(this.get(name), i);
  }

  /** Rows as plain objects (small frames only: reports, tests, logs). */
  toRecords(limit = Number.POSITIVE_INFINITY): Record<string, string | number | boolean | null>[] {
    const n = Math.min(this.nRows, limit);
    const out: Record<string, string | number | boolean | null>[] = [];
    for (let i = 0; i < n; i++) {
      const r: Record<string, string | number | boolean | null> = {};
      this.names.forEach((name, j) => {
        r[name] = cellValue(this.columns[j], i);
      });
      out.push(r);
    }
    return out;
  }
}

/** Rows in a column. */
export function columnLength(c: Column): number {
  return c.type === 'categorical' ? c.codes.length : c.values.length;
}

/** Whether cell `i` of a column is missing, by the column type's marker. */
export function isMissing(c: Column, i: number): boolean {
  switch (c.type) {
    case 'numeric':
    case 'datetime':
      return Number.isNaN(c.values[i]);
    case 'categorical':
      return c.codes[i] < 0;
    case 'boolean':
      return c.values[i] === BOOL_MISSING;
  }
}

/** Missing cells in a column. */
export function missingCount(c: Column): number {
  // One loop per type: the per-cell `isMissing` switch was a visible cost on million-row loads.
  let k = 0;
  if (c.type === 'categorical') {
    for (let i = 0; i < c.codes.length; i++) if (c.codes[i] < 0) k++;
  } else if (c.type === 'boolean') {
    for (let i = 0; i < c.values.length; i++) if (c.values[i] === BOOL_MISSING) k++;
  } else {
    for (let i = 0; i < c.values.length; i++) if (Number.isNaN(c.values[i])) k++;
  }
  return k;
}

/**
 * Cell `i` as a plain value: number, string, boolean, an ISO string for a datetime, or null when
 * missing.
 */
export function cellValue(c: Column, i: number): string | number | boolean | null {
  switch (c.type) {
    case 'numeric':
      return Number.isNaN(c.values[i]) ? null : c.values[i];
    case 'datetime':
      return Number.isNaN(c.values[i]) ? null : new Date(c.values[i]).toISOString();
    case 'categorical':
      return c.codes[i] < 0 ? null : c.dictionary[c.codes[i]];
    case 'boolean':
      return c.values[i] === BOOL_MISSING ? null : c.values[i] === 1;
  }
}

/** The rows `idx` of a column, in that order, as a new column (a categorical keeps its dictionary). */
export function takeColumn(c: Column, idx: ArrayLike<number>): Column {
  const n = idx.length;
  switch (c.type) {
    case 'numeric':
    case 'datetime': {
      const v = new Float64Array(n);
      for (let k = 0; k < n; k++) v[k] = c.values[idx[k]];
      return { type: c.type, values: v };
    }
    case 'categorical': {
      const v = new Int32Array(n);
      for (let k = 0; k < n; k++) v[k] = c.codes[idx[k]];
      return { type: 'categorical', codes: v, dictionary: c.dictionary };
    }
    case 'boolean': {
      const v = new Uint8Array(n);
      for (let k = 0; k < n; k++) v[k] = c.values[idx[k]];
      return { type: 'boolean', values: v };
    }
  }
}

/** Helpers to build columns from plain JS arrays (tests, JSON input). */
export function numeric(values: ArrayLike<number | null>): NumericColumn {
  const v = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) v[i] = values[i] ?? Number.NaN;
  return { type: 'numeric', values: v };
}

/**
 * A categorical column from strings (null = missing), dictionary-encoded in order of first
 * appearance.
 */
export function categorical(values: ArrayLike<string | null>): CategoricalColumn {
  const dict = new Map<string, number>();
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = values[i];
    if (s === null || s === undefined) {
      codes[i] = -1;
      continue;
    }
    let c = dict.get(s);
    if (c === undefined) {
      c = dict.size;
      dict.set(s, c);
    }
    codes[i] = c;
  }
  return { type: 'categorical', codes, dictionary: [...dict.keys()] };
}

/** A boolean column from booleans (null = missing). */
export function boolean(values: ArrayLike<boolean | null>): BooleanColumn {
  const v = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) v[i] = values[i] === null ? BOOL_MISSING : values[i] ? 1 : 0;
  return { type: 'boolean', values: v };
}

/**
 * A datetime column from Dates, ISO strings or epoch milliseconds (null = missing), stored as
 * epoch milliseconds.
 */
export function datetime(values: ArrayLike<Date | string | number | null>): DatetimeColumn {
  const v = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    v[i] = x === null ? Number.NaN : typeof x === 'number' ? x : new Date(x).getTime();
  }
  return { type: 'datetime', values: v };
}
