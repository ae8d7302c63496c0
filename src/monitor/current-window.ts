/**
 * The current window's counterpart of a reference profile, built from what the prediction log
 * holds: the request records as the client sent them (numbers may arrive as strings, missing as
 * null, absent or a missing token) and the predictions. Every value lands in exactly one place:
 * a value, missing, invalid (a non-number for a numeric feature — counted, never fatal), or, for
 * categoricals, a known category, "other", or unseen (never seen in training).
 */
import { DataError } from '../core/errors.js';
import { BOOL_MISSING, type Column, type Frame } from '../data/frame.js';
import { DEFAULT_MISSING_TOKENS, parseBooleanLoose, parseDatetime, parseNumber } from '../data/infer.js';
import type { CategoricalProfile, NumericProfile, ReferenceProfile } from './reference-profile.js';
import { histogram, sortedFinite } from './sketch.js';

/**
 * The live values of one numeric (or datetime) feature in the window, sorted, with missing and
 * unreadable counts.
 */
export interface NumericWindow {
  readonly type: 'numeric';
  readonly name: string;
  /** Rows in the window = valid + missing + invalid. */
  readonly n: number;
  readonly missing: number;
  /** Values that could not be read as a number (or date, for a datetime feature). */
  readonly invalid: number;
  /** Valid values, sorted. */
  readonly sorted: Float64Array;
  /** Valid values per reference bin. */
  readonly counts: Float64Array;
}

/**
 * Live category counts of one categorical feature in the window, against the reference's
 * categories.
 */
export interface CategoricalWindow {
  readonly type: 'categorical';
  readonly name: string;
  readonly n: number;
  readonly missing: number;
  /** Values that are neither text, number nor boolean (objects, arrays). */
  readonly invalid: number;
  /** Rows per reference category, in the reference's order. */
  readonly counts: Float64Array;
  /** Rows in the reference's pooled "other" categories. */
  readonly other: number;
  /** Rows in categories never seen in training, and a few of those values (for messages). */
  readonly unseen: number;
  readonly unseenExamples: readonly string[];
}

/** One feature's live values in the window. */
export type FeatureWindow = NumericWindow | CategoricalWindow;

/**
 * The latest served inputs (and predictions, actuals) summarised per reference feature: what drift
 * detection compares with the reference profile.
 */
export interface CurrentWindow {
  readonly nRows: number;
  /** One per reference feature, in the reference's order. */
  readonly features: readonly FeatureWindow[];
  readonly prediction: NumericWindow | null;
  /** Actuals joined from feedback, judged against the reference target (label drift). */
  readonly target: NumericWindow | null;
}

/**
 * What a window holds besides the inputs: the logged predictions and actuals, and the missing
 * tokens.
 */
export interface WindowOptions {
  /** The logged predictions of these rows (numbers, or strings/null as stored). */
  predictions?: ArrayLike<unknown>;
  /** Ground truth of these rows from feedback, where known (null = not yet). */
  actuals?: ArrayLike<unknown>;
  /** Strings that mean missing (default: '', NA, null, NULL, NaN, N/A, as the loaders). */
  missingTokens?: readonly string[];
}

const MAX_EXAMPLES = 5;
const MISSING = Number.NaN;
// Sentinel for "present but unreadable" in the numeric staging array (NaN is missing).
const INVALID = Number.NEGATIVE_INFINITY;

/** Build the current window from logged request records. */
export function buildCurrentWindow(
  reference: ReferenceProfile,
  records: readonly Record<string, unknown>[],
  opts: WindowOptions = {},
): CurrentWindow {
  if (!Array.isArray(records)) {
    throw new DataError('not_records', `records: expected an array of objects, got ${typeof records}`);
  }
  const tokens = new Set(opts.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const features = reference.features.map((f): FeatureWindow => {
    if (f.type === 'numeric') {
      const staged = new Float64Array(records.length);
      for (let i = 0; i < records.length; i++) staged[i] = readNumber(records[i]?.[f.name], f.source, tokens);
      return numericWindow(f, staged);
    }
    return categoricalWindow(f, records.length, (i) => records[i]?.[f.name], tokens);
  });
  return {
    nRows: records.length,
    features,
    prediction: extraWindow(reference.prediction, opts.predictions, tokens),
    target: extraWindow(reference.target, opts.actuals, tokens),
  };
}

/** Build the current window from a Frame (batch scoring files, tests). */
export function buildCurrentWindowFromFrame(
  reference: ReferenceProfile,
  frame: Frame,
  opts: WindowOptions = {},
): CurrentWindow {
  const tokens = new Set(opts.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const features = reference.features.map((f): FeatureWindow => {
    const col = frame.has(f.name) ? frame.get(f.name) : null;
    if (f.type === 'numeric') return numericWindow(f, numericOf(col, frame.nRows, f.source));
    return categoricalWindow(f, frame.nRows, (i) => cellOf(col, i), tokens);
  });
  return {
    nRows: frame.nRows,
    features,
    prediction: extraWindow(reference.prediction, opts.predictions, tokens),
    target: extraWindow(reference.target, opts.actuals, tokens),
  };
}

/** Prediction or target window, when both the reference and the caller have one. */
function extraWindow(
  ref: NumericProfile | null,
  values: ArrayLike<unknown> | undefined,
  tokens: ReadonlySet<string>,
): NumericWindow | null {
  if (!values || !ref) return null;
  const staged = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) staged[i] = readNumber(values[i], 'numeric', tokens);
  return numericWindow(ref, staged);
}

function readNumber(v: unknown, source: NumericProfile['source'], tokens: ReadonlySet<string>): number {
  if (v === null || v === undefined) return MISSING;
  if (typeof v === 'number') return Number.isNaN(v) ? MISSING : Number.isFinite(v) ? v : INVALID;
  if (typeof v === 'string') {
    if (tokens.has(v)) return MISSING;
    const s = v.trim();
    const x = source === 'datetime' ? parseDatetime(s) : parseNumber(s);
    return Number.isFinite(x) ? x : INVALID;
  }
  if (v instanceof Date && source === 'datetime') return Number.isNaN(v.getTime()) ? MISSING : v.getTime();
  return INVALID;
}

/** Numeric window from staged values: NaN = missing, −∞ = invalid. */
export function numericWindow(ref: NumericProfile, staged: Float64Array): NumericWindow {
  let missing = 0;
  let invalid = 0;
  for (let i = 0; i < staged.length; i++) {
    if (Number.isNaN(staged[i])) missing++;
    else if (staged[i] === INVALID) invalid++;
  }
  const sorted = sortedFinite(staged);
  return {
    type: 'numeric',
    name: ref.name,
    n: staged.length,
    missing,
    invalid,
    sorted,
    counts: histogram(sorted, ref.edges),
  };
}

function numericOf(col: Column | null, n: number, source: NumericProfile['source']): Float64Array {
  if (col === null) return new Float64Array(n).fill(MISSING);
  if (col.type === 'numeric' || col.type === 'datetime') return col.values;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (col.type === 'boolean') out[i] = col.values[i] === BOOL_MISSING ? MISSING : INVALID;
    else out[i] = readNumber(col.codes[i] < 0 ? null : col.dictionary[col.codes[i]], source, new Set());
  }
  return out;
}

function cellOf(col: Column | null, i: number): unknown {
  if (col === null) return null;
  switch (col.type) {
    case 'categorical':
      return col.codes[i] < 0 ? null : col.dictionary[col.codes[i]];
    case 'boolean':
      return col.values[i] === BOOL_MISSING ? null : col.values[i] === 1;
    default:
      return Number.isNaN(col.values[i]) ? null : col.values[i];
  }
}

function categoricalWindow(
  ref: CategoricalProfile,
  n: number,
  valueAt: (i: number) => unknown,
  tokens: ReadonlySet<string>,
): CategoricalWindow {
  const index = new Map<string, number>();
  ref.categories.forEach((c, k) => {
    index.set(c, k);
  });
  const counts = new Float64Array(ref.categories.length);
  let missing = 0;
  let invalid = 0;
  let other = 0;
  let unseen = 0;
  const examples = new Set<string>();
  for (let i = 0; i < n; i++) {
    const v = valueAt(i);
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      missing++;
      continue;
    }
    let s: string;
    if (typeof v === 'string') {
      if (tokens.has(v)) {
        missing++;
        continue;
      }
      s = v;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      s = String(v);
    } else {
      invalid++;
      continue;
    }
    if (ref.source === 'boolean') {
      const b = parseBooleanLoose(s);
      if (b >= 0) s = b ? 'true' : 'false';
    }
    const k = index.get(s);
    if (k !== undefined) counts[k]++;
    else if (ref.other > 0)
      other++; // could be one of the pooled rare categories: not provably unseen
    else {
      unseen++;
      if (examples.size < MAX_EXAMPLES) examples.add(s);
    }
  }
  return {
    type: 'categorical',
    name: ref.name,
    n,
    missing,
    invalid,
    counts,
    other,
    unseen,
    unseenExamples: [...examples],
  };
}
