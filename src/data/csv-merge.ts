/**
 * Joins the columns of two consecutive ranges of one CSV file, parsed apart (csv-parallel.ts), into
 * exactly what one pass over the whole file gives: rows in file order, and text dictionaries in
 * order of first appearance (the first range's values, then the second's new ones in its order),
 * so every code is the one a single pass would have given.
 */

import { trim } from './csv-columns.js';
import type { CsvParseResult } from './csv-parser.js';
import type { CategoricalColumn, Column, NumericColumn } from './frame.js';

/**
 * The two ranges as one result, or null when a single pass is needed to be sure of it: a
 * dictionary holding one text twice (distinct bytes decoding to the same string, only possible
 * with invalid UTF-8). Both ranges must have been read with the same text columns. The first
 * range's columns must be whole buffers (`spare`); they are extended in place where they have room.
 */
export function mergeRanges(a: CsvParseResult, b: CsvParseResult): CsvParseResult | null {
  const rows = a.rows + b.rows;
  const columns: Column[] = [];
  for (let j = 0; j < a.columns.length; j++) {
    const x = a.columns[j];
    const y = b.columns[j];
    const col =
      x.type === 'numeric' && y.type === 'numeric'
        ? appendValues(x, a.rows, y, b.rows)
        : x.type === 'categorical' && y.type === 'categorical'
          ? appendCodes(x, a.rows, y, b.rows)
          : null;
    if (col === null) return null;
    columns.push(col);
  }
  return {
    columns,
    rows,
    demoted: [],
    text: a.text,
    tail: b.tail,
    invalidUtf8: firstInvalid(a, b),
  };
}

function appendValues(x: NumericColumn, n: number, y: NumericColumn, m: number): NumericColumn {
  const values = room(x.values, n, n + m);
  values.set(y.values.subarray(0, m), n);
  return { type: 'numeric', values: trim(values, n + m) };
}

/** The second range's codes renumbered into the first's dictionary, which grows by its new values. */
function appendCodes(x: CategoricalColumn, n: number, y: CategoricalColumn, m: number): Column | null {
  const dictionary = [...x.dictionary];
  const index = new Map<string, number>();
  for (let c = 0; c < dictionary.length; c++) index.set(dictionary[c], c);
  if (index.size !== dictionary.length) return null;
  const known = dictionary.length;
  const remap = new Int32Array(y.dictionary.length);
  for (let c = 0; c < y.dictionary.length; c++) {
    const v = y.dictionary[c];
    let to = index.get(v);
    if (to === undefined) {
      to = dictionary.push(v) - 1;
      index.set(v, to);
    } else if (to >= known) return null; // the second range's dictionary holds v twice
    remap[c] = to;
  }
  const codes = room(x.codes, n, n + m);
  const from = y.codes;
  for (let r = 0; r < m; r++) {
    const c = from[r];
    codes[n + r] = c < 0 ? c : remap[c];
  }
  return { type: 'categorical', codes: trim(codes, n + m), dictionary };
}

/** `a` when it holds `size` values, else a copy of its first `used` values in a buffer that does. */
function room<T extends Float64Array | Int32Array>(a: T, used: number, size: number): T {
  if (a.length >= size) return a;
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a.subarray(0, used));
  return out;
}

/** The first column holding invalid UTF-8 in either range, with its first such value in file order. */
function firstInvalid(a: CsvParseResult, b: CsvParseResult): CsvParseResult['invalidUtf8'] {
  const x = a.invalidUtf8;
  const y = b.invalidUtf8;
  if (!x || !y) return x ?? y;
  // The first range has none in the columns before its own first one.
  return y.column < x.column ? y : x;
}
