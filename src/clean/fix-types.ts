/**
 * Convert a column to another type. Text is parsed once per dictionary level, then mapped over the
 * codes. Cells that were present but cannot be read as the new type become missing and are counted.
 */
import { DataError } from '../core/errors.js';
import {
  BOOL_MISSING,
  type BooleanColumn,
  type CategoricalColumn,
  type Column,
  type ColumnType,
  columnLength,
} from '../data/frame.js';
import type { DecimalMark } from '../data/infer.js';
import { parseBoolean, parseDatetime, parseNumber } from './parse-cell.js';

export interface FixResult {
  column: Column;
  unparseable: number;
}

/** `decimal`: the decimal mark of numbers written as text (data.decimal). */
export function fixType(name: string, col: Column, to: ColumnType, decimal: DecimalMark = '.'): FixResult {
  if (col.type === to) return { column: col, unparseable: 0 };
  switch (col.type) {
    case 'categorical':
      return fromText(col, to, decimal);
    case 'numeric':
      return fromNumeric(name, col.values, to);
    case 'boolean':
      return fromBoolean(name, col, to);
    case 'datetime':
      return fromDatetime(name, col.values, to);
  }
}

function unsupported(name: string, from: ColumnType, to: ColumnType): never {
  throw new DataError(
    'unsupported_type_fix',
    `cleaning.types.${name}: cannot convert a ${from} column to ${to}; ` +
      `convert it to categorical first or remove the entry`,
  );
}

function fromText(col: CategoricalColumn, to: ColumnType, decimal: DecimalMark): FixResult {
  const { codes, dictionary } = col;
  const n = codes.length;
  if (to === 'boolean') {
    const lv = dictionary.map(parseBoolean);
    const v = new Uint8Array(n);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c < 0) v[i] = BOOL_MISSING;
      else if (lv[c] < 0) {
        v[i] = BOOL_MISSING;
        bad++;
      } else v[i] = lv[c];
    }
    return { column: { type: 'boolean', values: v }, unparseable: bad };
  }
  const lv = Float64Array.from(dictionary, to === 'numeric' ? (s) => parseNumber(s, decimal) : parseDatetime);
  const v = new Float64Array(n);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c < 0) v[i] = Number.NaN;
    else {
      v[i] = lv[c];
      if (Number.isNaN(lv[c])) bad++;
    }
  }
  return { column: { type: to as 'numeric' | 'datetime', values: v }, unparseable: bad };
}

/** Values → categorical through a per-value label, sharing one dictionary entry per distinct label. */
function toText(n: number, label: (i: number) => string | null): CategoricalColumn {
  const dict = new Map<string, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = label(i);
    if (s === null) {
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

function fromNumeric(name: string, values: Float64Array, to: ColumnType): FixResult {
  const n = values.length;
  if (to === 'categorical') {
    return { column: toText(n, (i) => (Number.isNaN(values[i]) ? null : String(values[i]))), unparseable: 0 };
  }
  if (to === 'datetime') {
    // Numbers are read as epoch milliseconds, the frame's own datetime unit.
    return { column: { type: 'datetime', values: new Float64Array(values) }, unparseable: 0 };
  }
  if (to === 'boolean') {
    const v = new Uint8Array(n);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x === 0 || x === 1) v[i] = x;
      else {
        v[i] = BOOL_MISSING;
        if (!Number.isNaN(x)) bad++;
      }
    }
    return { column: { type: 'boolean', values: v }, unparseable: bad };
  }
  return unsupported(name, 'numeric', to);
}

function fromBoolean(name: string, col: BooleanColumn, to: ColumnType): FixResult {
  const { values } = col;
  const n = columnLength(col);
  if (to === 'numeric') {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = values[i] === BOOL_MISSING ? Number.NaN : values[i];
    return { column: { type: 'numeric', values: v }, unparseable: 0 };
  }
  if (to === 'categorical') {
    const label = (i: number) => (values[i] === BOOL_MISSING ? null : values[i] ? 'true' : 'false');
    return { column: toText(n, label), unparseable: 0 };
  }
  return unsupported(name, 'boolean', to);
}

function fromDatetime(name: string, values: Float64Array, to: ColumnType): FixResult {
  const n = values.length;
  if (to === 'numeric')
    return { column: { type: 'numeric', values: new Float64Array(values) }, unparseable: 0 };
  if (to === 'categorical') {
    const label = (i: number) => (Number.isNaN(values[i]) ? null : new Date(values[i]).toISOString());
    return { column: toText(n, label), unparseable: 0 };
  }
  return unsupported(name, 'datetime', to);
}
