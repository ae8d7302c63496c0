/**
 * Check a frame against the columns a preprocessor was fitted on and bring each column to its
 * fitted type. Every problem is collected (missing columns, values of the wrong type) so the
 * caller sees them all at once; extra columns are ignored. A coercion happens only when it is
 * unambiguous: numbers written as strings ("3.5"), booleans as 0/1 or "true"/"yes", categories
 * given as numbers (60 → "60"), datetimes as parseable strings. Work is per dictionary entry,
 * not per row, wherever the input is dictionary-encoded.
 */
import type { Issue } from '../core/errors.js';
import {
  BOOL_MISSING,
  type BooleanColumn,
  type CategoricalColumn,
  type Column,
  type ColumnType,
  type Frame,
} from '../data/frame.js';

/** An input column the preprocessor was fitted on: its name and type. */
export interface InputColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** Strings that mean "no value" when a categorical column is read as numbers or booleans. */
const MISSING_TOKENS = new Set(['', 'na', 'nan', 'null', 'none', 'n/a']);
const TRUE_TOKENS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TOKENS = new Set(['false', 'f', 'no', 'n', '0']);
const MAX_EXAMPLES = 3;

/** `columns[k]` is expected[k] in its fitted type, or undefined when it has an issue. */
export function alignInput(
  frame: Frame,
  expected: readonly InputColumn[],
): { columns: (Column | undefined)[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const columns: (Column | undefined)[] = [];
  const missing = expected.filter((c) => !frame.has(c.name)).map((c) => c.name);
  for (const name of missing) {
    issues.push({
      path: name,
      code: 'missing_column',
      message: `required column "${name}" is missing (${missing.length} missing: ${missing.join(', ')})`,
    });
  }
  for (const { name, type } of expected) {
    const res = frame.has(name) ? coerce(frame.get(name), type) : undefined;
    if (typeof res === 'string')
      issues.push({ path: name, code: 'wrong_type', message: `column "${name}" ${res}` });
    columns.push(typeof res === 'string' ? undefined : res);
  }
  return { columns, issues };
}

/** The column as `type`, or a message saying why it cannot be. */
function coerce(col: Column, type: ColumnType): Column | string {
  if (col.type === type) return col;
  const expect = `must be ${type === 'categorical' ? 'categorical' : type}`;
  switch (type) {
    case 'numeric':
      if (col.type === 'boolean') return { type: 'numeric', values: boolToFloat(col) };
      if (col.type === 'categorical') {
        const v = parseDictionary(col, parseNumber);
        return typeof v === 'string' ? `${expect}: got the value ${v}` : { type: 'numeric', values: v };
      }
      return `${expect}; got a datetime column`;
    case 'datetime':
      if (col.type === 'categorical') {
        const v = parseDictionary(col, parseDate);
        return typeof v === 'string'
          ? `${expect}: got the value ${v} (not a date)`
          : { type: 'datetime', values: v };
      }
      return `${expect} (dates or ISO strings); got a ${col.type} column, which is ambiguous`;
    case 'boolean':
      return toBoolean(col, expect);
    case 'categorical':
      return toCategorical(col, expect);
  }
}

function boolToFloat(c: BooleanColumn): Float64Array {
  const out = new Float64Array(c.values.length);
  for (let i = 0; i < out.length; i++) out[i] = c.values[i] === BOOL_MISSING ? Number.NaN : c.values[i];
  return out;
}

function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (MISSING_TOKENS.has(t.toLowerCase())) return Number.NaN;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}

function parseDate(s: string): number | undefined {
  const t = s.trim();
  if (MISSING_TOKENS.has(t.toLowerCase())) return Number.NaN;
  const x = Date.parse(t);
  return Number.isNaN(x) ? undefined : x;
}

/** Which dictionary entries occur in the rows (the dictionary of a subset may hold more). */
function usedCodes(c: CategoricalColumn): Uint8Array {
  const used = new Uint8Array(c.dictionary.length);
  for (let i = 0; i < c.codes.length; i++) if (c.codes[i] >= 0) used[c.codes[i]] = 1;
  return used;
}

/** Map every used dictionary entry through `parse`; a message quoting bad values if any fail. */
function parseDictionary(
  c: CategoricalColumn,
  parse: (s: string) => number | undefined,
): Float64Array | string {
  const used = usedCodes(c);
  const byCode = new Float64Array(c.dictionary.length);
  const bad: string[] = [];
  for (let k = 0; k < byCode.length; k++) {
    if (!used[k]) continue;
    const x = parse(c.dictionary[k]);
    if (x === undefined) bad.push(JSON.stringify(c.dictionary[k]));
    else byCode[k] = x;
  }
  if (bad.length) {
    const more = bad.length > MAX_EXAMPLES ? ` (+${bad.length - MAX_EXAMPLES} more)` : '';
    return `${bad.slice(0, MAX_EXAMPLES).join(', ')}${more}`;
  }
  const out = new Float64Array(c.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = c.codes[i] < 0 ? Number.NaN : byCode[c.codes[i]];
  return out;
}

function toBoolean(col: Column, expect: string): Column | string {
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  const out = new Uint8Array(n);
  if (col.type === 'numeric') {
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (Number.isNaN(v)) out[i] = BOOL_MISSING;
      else if (v === 0 || v === 1) out[i] = v;
      else return `${expect} (0/1 or true/false); got the value ${v}`;
    }
    return { type: 'boolean', values: out };
  }
  if (col.type === 'categorical') {
    const used = usedCodes(col);
    const byCode = new Uint8Array(col.dictionary.length);
    for (let k = 0; k < byCode.length; k++) {
      if (!used[k]) continue;
      const t = col.dictionary[k].trim().toLowerCase();
      if (TRUE_TOKENS.has(t)) byCode[k] = 1;
      else if (FALSE_TOKENS.has(t)) byCode[k] = 0;
      else if (MISSING_TOKENS.has(t)) byCode[k] = BOOL_MISSING;
      else return `${expect} (0/1 or true/false); got the value ${JSON.stringify(col.dictionary[k])}`;
    }
    for (let i = 0; i < n; i++) out[i] = col.codes[i] < 0 ? BOOL_MISSING : byCode[col.codes[i]];
    return { type: 'boolean', values: out };
  }
  return `${expect}; got a datetime column`;
}

/** Numbers and booleans become their string form, dictionary-encoded once per distinct value. */
function toCategorical(col: Column, expect: string): Column | string {
  if (col.type === 'datetime') return `${expect}; got a datetime column`;
  if (col.type === 'categorical') return col;
  const n = col.values.length;
  const codes = new Int32Array(n);
  if (col.type === 'boolean') {
    for (let i = 0; i < n; i++) codes[i] = col.values[i] === BOOL_MISSING ? -1 : col.values[i];
    return { type: 'categorical', codes, dictionary: ['false', 'true'] };
  }
  const dict = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = col.values[i];
    if (Number.isNaN(v)) {
      codes[i] = -1;
      continue;
    }
    let c = dict.get(v);
    if (c === undefined) {
      c = dict.size;
      dict.set(v, c);
    }
    codes[i] = c;
  }
  return { type: 'categorical', codes, dictionary: [...dict.keys()].map(String) };
}
