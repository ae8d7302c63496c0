/**
 * Validate a columnar input against the data contract, cell by cell, and bring each feature to
 * its train type. Cells that cannot be read (wrong type, non-finite numbers) become missing and
 * are reported; nulls, out-of-range values and unknown categories are reported per row under the
 * policy. Work is per dictionary entry where the input is dictionary-encoded, so a file of
 * millions of rows costs a few passes over typed arrays.
 */
import { recodeCategorical } from '../clean/recode-categorical.js';
import {
  BOOL_MISSING,
  type CategoricalColumn,
  type Column,
  type ColumnType,
  columnLength,
  Frame,
} from '../data/frame.js';
import { parseBooleanLoose, parseDatetime, parseNumber } from '../data/infer.js';
import type { ContractFeature, DataContract } from './contract.js';
import type { IssueSink } from './issues.js';

export interface CheckOptions {
  /** Text cleaning the training run applied before anything was learned. */
  trimStrings: boolean;
  missingTokens: ReadonlySet<string>;
  /** preprocessing.handle_unknown: 'error' means unknown levels must be made missing first. */
  unknownToMissing: boolean;
  /** Input columns to ignore silently besides the contract's own list (e.g. an id column). */
  ignore?: readonly string[];
  /** Per feature (contract order): cells already reported by the caller (records pre-pass). */
  flagged?: readonly (Uint8Array | null)[];
  /** Whether to report extra columns (records report extra fields per record themselves). */
  reportExtraColumns?: boolean;
}

/**
 * A frame with exactly the contract's columns in the contract's types (clipped / nulled where
 * the policy says), ready for the preprocessor. Issues go to `sink`.
 */
export function checkFrame(frame: Frame, contract: DataContract, sink: IssueSink, opts: CheckOptions): Frame {
  const n = frame.nRows;
  if (opts.reportExtraColumns !== false) {
    const known = new Set([
      ...contract.features.map((f) => f.name),
      ...contract.ignored,
      ...(opts.ignore ?? []),
    ]);
    for (const name of frame.names) {
      if (!known.has(name))
        sink.addAll(name, 'unexpected_field', `column "${name}" is not a model feature and is ignored`);
    }
  }
  const columns = contract.features.map((f, k) => {
    if (!frame.has(f.name)) {
      sink.addAll(
        f.name,
        'missing_feature',
        `required column "${f.name}" (${f.type}) is missing from the input`,
      );
      return emptyColumn(f.type, n);
    }
    let col = frame.get(f.name);
    if (col.type === 'categorical' && (opts.trimStrings || opts.missingTokens.size))
      col = recodeCategorical(col, opts.trimStrings, opts.missingTokens).column;
    const flagged = opts.flagged?.[k] ?? new Uint8Array(n);
    col = coerce(col, f, sink, flagged);
    checkNulls(col, f, sink, flagged);
    if (f.type === 'numeric' || f.type === 'datetime') col = checkRange(col as NumCol, f, sink);
    else if (f.type === 'categorical')
      col = checkCategories(col as CategoricalColumn, f, sink, opts.unknownToMissing);
    return col;
  });
  return new Frame(
    contract.features.map((f) => f.name),
    columns,
  );
}

type NumCol = { type: 'numeric' | 'datetime'; values: Float64Array };

function emptyColumn(type: ColumnType, n: number): Column {
  switch (type) {
    case 'numeric':
    case 'datetime':
      return { type, values: new Float64Array(n).fill(Number.NaN) };
    case 'boolean':
      return { type, values: new Uint8Array(n).fill(BOOL_MISSING) };
    case 'categorical':
      return { type, codes: new Int32Array(n).fill(-1), dictionary: [] };
  }
}

const show = (v: unknown) => JSON.stringify(v);

/** `col` as the feature's type; unreadable cells become missing, flagged and reported. */
function coerce(col: Column, f: ContractFeature, sink: IssueSink, flagged: Uint8Array): Column {
  const bad = (i: number, got: string) => {
    flagged[i] = 1;
    sink.add(i, f.name, 'wrong_type', `"${f.name}" must be ${article(f.type)}; got ${got}`);
  };
  const n = columnLength(col);
  if (col.type === f.type) {
    if (col.type !== 'numeric' && col.type !== 'datetime') return col;
    // Infinity reaches here from files; the preprocessor only accepts finite numbers.
    let values: Float64Array | null = null;
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (v - v !== 0 && !Number.isNaN(v)) {
        values ??= Float64Array.from(col.values);
        values[i] = Number.NaN;
        bad(i, String(v));
      }
    }
    return values ? { type: col.type, values } : col;
  }
  if (col.type === 'categorical') {
    const parse =
      f.type === 'numeric'
        ? (s: string) => {
            const x = parseNumber(s);
            return Number.isFinite(x) ? x : Number.NaN;
          }
        : f.type === 'datetime'
          ? parseDatetime
          : (s: string) => {
              const b = parseBooleanLoose(s);
              return b < 0 ? Number.NaN : b;
            };
    const byCode = col.dictionary.map((s) => parse(s));
    if (f.type === 'boolean') {
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const c = col.codes[i];
        const x = c < 0 ? Number.NaN : byCode[c];
        values[i] = Number.isNaN(x) ? BOOL_MISSING : x;
        if (c >= 0 && Number.isNaN(x)) bad(i, show(col.dictionary[c]));
      }
      return { type: 'boolean', values };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      values[i] = c < 0 ? Number.NaN : byCode[c];
      if (c >= 0 && Number.isNaN(values[i])) bad(i, show(col.dictionary[c]));
    }
    return { type: f.type as 'numeric' | 'datetime', values };
  }
  if (f.type === 'categorical') return toCategorical(col, f, sink, flagged);
  if (f.type === 'numeric' && col.type === 'boolean') {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = col.values[i] === BOOL_MISSING ? Number.NaN : col.values[i];
    return { type: 'numeric', values };
  }
  if (f.type === 'boolean' && col.type === 'numeric') {
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (Number.isNaN(v)) values[i] = BOOL_MISSING;
      else if (v === 0 || v === 1) values[i] = v;
      else {
        values[i] = BOOL_MISSING;
        bad(i, String(v));
      }
    }
    return { type: 'boolean', values };
  }
  // numeric ↔ datetime, boolean → datetime, datetime → numeric/boolean: ambiguous, refuse.
  const out = emptyColumn(f.type, n);
  for (let i = 0; i < n; i++) {
    const missing = col.type === 'boolean' ? col.values[i] === BOOL_MISSING : Number.isNaN(col.values[i]);
    if (!missing) bad(i, `a ${col.type} value`);
  }
  return out;
}

/** Numbers and booleans as their text form, one dictionary entry per distinct value. */
function toCategorical(col: Column, f: ContractFeature, sink: IssueSink, flagged: Uint8Array): Column {
  const n = columnLength(col);
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let s: string | null = null;
    if (col.type === 'boolean') s = col.values[i] === BOOL_MISSING ? null : col.values[i] ? 'true' : 'false';
    else if (col.type === 'numeric') s = Number.isNaN(col.values[i]) ? null : String(col.values[i]);
    else if (col.type === 'datetime' && !Number.isNaN(col.values[i])) {
      flagged[i] = 1;
      sink.add(i, f.name, 'wrong_type', `"${f.name}" must be a category (text); got a datetime value`);
    }
    if (s === null) {
      codes[i] = -1;
      continue;
    }
    let c = index.get(s);
    if (c === undefined) {
      c = index.size;
      index.set(s, c);
    }
    codes[i] = c;
  }
  return { type: 'categorical', codes, dictionary: [...index.keys()] };
}

function checkNulls(col: Column, f: ContractFeature, sink: IssueSink, flagged: Uint8Array): void {
  if (f.nullable) return;
  const n = columnLength(col);
  for (let i = 0; i < n; i++) {
    const missing =
      col.type === 'categorical'
        ? col.codes[i] < 0
        : col.type === 'boolean'
          ? col.values[i] === BOOL_MISSING
          : Number.isNaN(col.values[i]);
    if (missing && !flagged[i]) {
      sink.add(
        i,
        f.name,
        'null_not_allowed',
        `"${f.name}" is missing, and train had no missing values in it; imputed with the train fill value`,
      );
    }
  }
}

function checkRange(col: NumCol, f: ContractFeature, sink: IssueSink): Column {
  const { min, max } = f;
  if (min === null || min === undefined || max === null || max === undefined) return col;
  const clip = sink.policy.out_of_range === 'clip';
  const fmt = (x: number) => (f.type === 'datetime' ? new Date(x).toISOString() : String(x));
  const v = col.values;
  let out: Float64Array | null = null;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    // NaN fails both comparisons: missing values are not out of range.
    if (!(x < min || x > max)) continue;
    const bound = x < min ? min : max;
    const side = x < min ? 'below the train minimum' : 'above the train maximum';
    const action = clip ? `; clipped to ${fmt(bound)}` : '';
    sink.add(
      i,
      f.name,
      'out_of_range',
      `"${f.name}" = ${fmt(x)} is ${side} ${fmt(bound)} (train range [${fmt(min)}, ${fmt(max)}])${action}`,
    );
    if (clip) {
      out ??= Float64Array.from(v);
      out[i] = bound;
    }
  }
  return out ? { type: col.type, values: out } : col;
}

const MAX_LISTED = 5;

function checkCategories(
  col: CategoricalColumn,
  f: ContractFeature,
  sink: IssueSink,
  toMissing: boolean,
): Column {
  const known = new Set(f.categories ?? []);
  const unknown = col.dictionary.map((s) => !known.has(s));
  if (!unknown.some(Boolean)) return col;
  const cats = f.categories ?? [];
  const listed = cats.slice(0, MAX_LISTED).map(show).join(', ');
  const more = cats.length > MAX_LISTED ? ` (+${cats.length - MAX_LISTED} more)` : '';
  const handled = toMissing ? 'treated as missing' : 'encoded as an unseen level';
  let codes: Int32Array | null = null;
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i];
    if (c < 0 || !unknown[c]) continue;
    sink.add(
      i,
      f.name,
      'unknown_category',
      `"${f.name}" = ${show(col.dictionary[c])} was not seen in training (known: ${listed}${more}); ${handled}`,
    );
    if (toMissing) {
      codes ??= Int32Array.from(col.codes);
      codes[i] = -1;
    }
  }
  return codes ? { type: 'categorical', codes, dictionary: col.dictionary } : col;
}

function article(t: ColumnType): string {
  switch (t) {
    case 'numeric':
      return 'a finite number';
    case 'categorical':
      return 'a category (text)';
    case 'boolean':
      return 'true or false';
    case 'datetime':
      return 'an ISO-8601 date';
  }
}
