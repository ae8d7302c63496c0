/**
 * Column type conversion: inferring a better type for string columns, and applying the types a
 * user declared. Categorical sources convert through their dictionary (one parse per distinct
 * value, then a gather over the codes), so this stays cheap on millions of rows.
 */
import { DataError } from '../core/errors.js';
import {
  BOOL_MISSING,
  type BooleanColumn,
  type CategoricalColumn,
  type Column,
  type ColumnType,
  cellValue,
  columnLength,
} from './frame.js';
import { type DecimalMark, inferStringType, parseBooleanLoose, parseDatetime, parseNumber } from './infer.js';

/** Where a column came from, for error messages. */
export interface ColumnContext {
  column: string;
  /** The file (or "records") the column was read from. */
  source: string;
  /** Decimal mark of numbers written as text (default '.'). */
  decimal?: DecimalMark;
}

/** Codes whose dictionary entry is a missing token become -1; the dictionary is compacted. */
export function dropMissingTokens(col: CategoricalColumn, tokens: ReadonlySet<string>): CategoricalColumn {
  if (!col.dictionary.some((s) => tokens.has(s))) return col;
  const remap = new Int32Array(col.dictionary.length);
  const dictionary: string[] = [];
  col.dictionary.forEach((s, k) => {
    remap[k] = tokens.has(s) ? -1 : dictionary.push(s) - 1;
  });
  const codes = new Int32Array(col.codes.length);
  for (let i = 0; i < codes.length; i++) codes[i] = col.codes[i] < 0 ? -1 : remap[col.codes[i]];
  return { type: 'categorical', codes, dictionary };
}

/** A categorical column whose values all read as numbers/booleans/dates becomes that type. */
export function refineCategorical(col: CategoricalColumn, ctx: ColumnContext): Column {
  const used = usedEntries(col);
  const type = inferStringType(
    used.map((k) => col.dictionary[k]),
    ctx.decimal,
  );
  return type === 'categorical' ? col : convertColumn(col, type, ctx);
}

/** `col` as type `to`; a DataError naming the column and example values when some cannot convert. */
export function convertColumn(col: Column, to: ColumnType, ctx: ColumnContext): Column {
  if (col.type === to) return col;
  if (col.type === 'categorical') return fromCategorical(col, to, ctx);
  if (to === 'categorical') return toCategorical(col);
  const n = columnLength(col);
  if (to === 'numeric') {
    // boolean → 0/1, datetime → epoch ms: both are already numbers underneath
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      values[i] = col.type === 'boolean' && v === BOOL_MISSING ? Number.NaN : v;
    }
    return { type: 'numeric', values };
  }
  if (to === 'datetime' && col.type === 'numeric') return { type: 'datetime', values: col.values };
  if (to === 'boolean' && col.type === 'numeric') {
    const values = new Uint8Array(n);
    const bad: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (Number.isNaN(v)) values[i] = BOOL_MISSING;
      else if (v === 0 || v === 1) values[i] = v;
      else if (bad.length < 5 && !bad.includes(String(v))) bad.push(String(v));
    }
    if (bad.length) throw conversionError(ctx, to, col.type, bad);
    return { type: 'boolean', values } satisfies BooleanColumn;
  }
  throw new DataError(
    'type_conversion',
    `Column "${ctx.column}" in ${ctx.source} holds ${col.type} values and cannot be declared ${to}; ` +
      `declare it numeric or categorical instead, or remove it from types.`,
  );
}

function fromCategorical(col: CategoricalColumn, to: ColumnType, ctx: ColumnContext): Column {
  const decimal = ctx.decimal ?? '.';
  const parse =
    to === 'numeric'
      ? (s: string) => parseNumber(s, decimal)
      : to === 'datetime'
        ? parseDatetime
        : parseBooleanLoose;
  const dictValues = new Float64Array(col.dictionary.length);
  const bad: string[] = [];
  for (const k of usedEntries(col)) {
    const v = parse(col.dictionary[k]);
    dictValues[k] = v;
    if ((Number.isNaN(v) || (to === 'boolean' && v < 0)) && bad.length < 5) bad.push(col.dictionary[k]);
  }
  if (bad.length) throw conversionError(ctx, to, 'categorical', bad);
  const n = col.codes.length;
  if (to === 'boolean') {
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) values[i] = col.codes[i] < 0 ? BOOL_MISSING : dictValues[col.codes[i]];
    return { type: 'boolean', values };
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = col.codes[i] < 0 ? Number.NaN : dictValues[col.codes[i]];
  return to === 'numeric' ? { type: 'numeric', values } : { type: 'datetime', values };
}

function toCategorical(col: Column): CategoricalColumn {
  const n = columnLength(col);
  const index = new Map<string, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = cellValue(col, i);
    if (v === null) {
      codes[i] = -1;
      continue;
    }
    const s = String(v);
    let k = index.get(s);
    if (k === undefined) {
      k = index.size;
      index.set(s, k);
    }
    codes[i] = k;
  }
  return { type: 'categorical', codes, dictionary: [...index.keys()] };
}

/** Dictionary entries some row actually uses, in first-use order. */
function usedEntries(col: CategoricalColumn): number[] {
  const seen = new Uint8Array(col.dictionary.length);
  const out: number[] = [];
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i];
    if (c >= 0 && !seen[c]) {
      seen[c] = 1;
      out.push(c);
    }
  }
  return out;
}

function conversionError(ctx: ColumnContext, to: ColumnType, from: ColumnType, bad: string[]): DataError {
  const examples = bad.map((s) => JSON.stringify(s)).join(', ');
  const what = to === 'numeric' ? 'numbers' : to === 'datetime' ? 'ISO-8601 dates' : 'true/false values';
  return new DataError(
    'type_conversion',
    `Column "${ctx.column}" in ${ctx.source} was declared ${to} but some of its (${from}) values are not ` +
      `${what}, e.g. ${examples}. Fix those values, add them to the missing tokens if they mean ` +
      `"unknown", or declare the column with another type.`,
  );
}
