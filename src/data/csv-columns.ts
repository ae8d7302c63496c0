/**
 * Column builders for the CSV parser: numbers into a Float64Array (NaN = missing), text into
 * dictionary codes, both fed a batch of records at a time; and missing-token matching on bytes.
 */
import { ByteDictionary } from './byte-dictionary.js';
import type { BytesDecoder } from './encoding.js';
import type { Column } from './frame.js';
import { parseNumber } from './infer.js';

/**
 * Byte ranges of the fields of up to BATCH records, row-major: field j of record r is
 * bytes[start[r * ncols + j], end[r * ncols + j]). Conversion then runs column by column over a
 * batch (one tight, monomorphic loop per column) instead of field by field.
 */
export interface Batch {
  start: Int32Array;
  end: Int32Array;
  /** For numeric columns, the value parsed while scanning (NaN: not a number, look at the bytes). */
  value: Float64Array;
  count: number;
}

export const BATCH = 1024;

export interface Sink {
  putBatch(bytes: Uint8Array, batch: Batch, ncols: number, j: number, row: number): void;
  ensure(rows: number): void;
  /**
   * The column of the first `rows` rows; with `spare`, in the whole buffer (its length is the
   * capacity) so that later rows can be appended in place (csv-merge.ts).
   */
  finish(rows: number, spare?: boolean): Column;
}

/** Missing-value tokens compared as bytes; most fields are rejected by length or first byte. */
export class MissingTokens {
  private readonly tokens: Uint8Array[];
  private readonly maxLen: number;
  private readonly empty: boolean;
  private readonly firstByte = new Uint8Array(256);
  /** Some token reads as a number (e.g. -999): numeric columns must check tokens first. */
  readonly numeric: boolean;
  constructor(tokens: readonly string[]) {
    this.numeric = tokens.some((t) => t !== '' && !Number.isNaN(parseNumber(t)));
    this.tokens = tokens.filter((t) => t !== '').map((t) => new Uint8Array(Buffer.from(t, 'utf8')));
    this.maxLen = Math.max(0, ...this.tokens.map((t) => t.length));
    this.empty = tokens.includes('');
    for (const t of this.tokens) this.firstByte[t[0]] = 1;
  }
  has(b: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (len === 0) return this.empty;
    if (len > this.maxLen || this.firstByte[b[start]] === 0) return false;
    const tokens = this.tokens;
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k];
      if (t.length !== len) continue;
      let i = 0;
      while (i < len && t[i] === b[start + i]) i++;
      if (i === len) return true;
    }
    return false;
  }
}

function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(a);
  return out;
}

/** The first n values: a view of `a` when little is wasted, else a copy. */
export function trim<T extends Float64Array | Int32Array>(a: T, n: number): T {
  if (a.length === n) return a;
  // A view when little is wasted (copying tens of MB costs more than 10% spare room).
  return n >= 0.9 * a.length ? (a.subarray(0, n) as T) : (a.slice(0, n) as T);
}

export class NumberSink implements Sink {
  private values = new Float64Array(0);
  private failed = false;
  constructor(
    private readonly missing: MissingTokens,
    /** Called once, with the row of the first non-missing value that is not a number. */
    private readonly onFail: (row: number) => void,
  ) {}
  ensure(rows: number): void {
    this.values = grow(this.values, rows);
  }
  putBatch(bytes: Uint8Array, batch: Batch, ncols: number, j: number, row: number): void {
    const { start, end, value, count } = batch;
    const values = this.values;
    const missing = this.missing;
    // Numbers were parsed during the scan; tokens only matter where that gave NaN, unless a token
    // is itself a number (e.g. -999), in which case every cell is checked.
    const tokensFirst = missing.numeric;
    for (let r = 0, k = j; r < count; r++, k += ncols) {
      let v = value[k];
      if (tokensFirst && missing.has(bytes, start[k], end[k])) v = Number.NaN;
      else if (Number.isNaN(v) && !this.failed && !missing.has(bytes, start[k], end[k])) {
        this.failed = true;
        this.onFail(row + r);
      }
      values[row + r] = v;
    }
  }
  finish(rows: number, spare = false): Column {
    return { type: 'numeric', values: spare ? this.values : trim(this.values, rows) };
  }
}

/**
 * Text into dictionary codes; missing tokens become -1 here and never enter the dictionary, so the
 * loader's missing-token pass (convert.ts dropMissingTokens) has nothing to rewrite.
 */
export class TextSink implements Sink {
  private codes = new Int32Array(0);
  private readonly dict: ByteDictionary;
  constructor(
    private readonly missing: MissingTokens,
    decoder: BytesDecoder = null,
  ) {
    this.dict = new ByteDictionary(decoder);
  }
  /** The first value that was not valid UTF-8 (decoding as UTF-8), else null. */
  get invalidUtf8(): Uint8Array | null {
    return this.dict.invalidUtf8;
  }
  ensure(rows: number): void {
    this.codes = grow(this.codes, rows);
  }
  putBatch(bytes: Uint8Array, batch: Batch, ncols: number, j: number, row: number): void {
    const { start, end, count } = batch;
    const codes = this.codes;
    const dict = this.dict;
    const missing = this.missing;
    for (let r = 0, k = j; r < count; r++, k += ncols) {
      const a = start[k];
      const b = end[k];
      codes[row + r] = missing.has(bytes, a, b) ? -1 : dict.code(bytes, a, b);
    }
  }
  finish(rows: number, spare = false): Column {
    const codes = spare ? this.codes : trim(this.codes, rows);
    return { type: 'categorical', codes, dictionary: this.dict.values };
  }
}
