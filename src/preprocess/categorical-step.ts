/**
 * One categorical column: impute, then encode one-hot or ordinal. Levels are what the TRAIN rows
 * hold (never the dictionary, which a row subset shares with the whole table), sorted, so the
 * output does not depend on the order values were first seen. Rare levels (`min_frequency`,
 * `max_categories`) share one "infrequent" bucket, chosen as scikit-learn's OneHotEncoder does.
 */
import type { Issue } from '../core/errors.js';
import type { CategoricalColumn } from '../data/frame.js';
import type { PreprocessConfig } from './params.js';

/**
 * What the categorical step learned of one column on TRAIN: its levels, the infrequent ones
 * bucketed together, and the fill for missing values.
 */
export interface CategoricalState {
  /** Levels with their own output slot, sorted. */
  levels: string[];
  /** Train levels merged into the bucket (slot `levels.length`), sorted; empty = no bucket. */
  infrequent: string[];
  /** Value that replaces a missing one. */
  fill: string;
}

export interface LevelCounts {
  /** Distinct non-missing train values, most frequent first (ties by value). */
  values: string[];
  counts: number[];
  missing: number;
}

const byValue = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Counts of the values present in the rows, merged by string. */
export function countLevels(col: CategoricalColumn): LevelCounts {
  const perCode = new Float64Array(col.dictionary.length);
  let missing = 0;
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i];
    if (c < 0) missing++;
    else perCode[c]++;
  }
  const m = new Map<string, number>();
  for (let k = 0; k < perCode.length; k++) {
    if (perCode[k] > 0) m.set(col.dictionary[k], (m.get(col.dictionary[k]) ?? 0) + perCode[k]);
  }
  const values = [...m.keys()].sort((a, b) => m.get(b)! - m.get(a)! || byValue(a, b));
  return { values, counts: values.map((v) => m.get(v)!), missing };
}

export function fitCategorical(lc: LevelCounts, nRows: number, cfg: PreprocessConfig): CategoricalState {
  // `values` is sorted by count desc then value, so values[0] is scikit-learn's most_frequent.
  const fill =
    cfg.categorical_impute === 'most_frequent' && lc.values.length
      ? lc.values[0]
      : cfg.categorical_fill_value;
  const counts = new Map<string, number>();
  lc.values.forEach((v, k) => {
    counts.set(v, lc.counts[k]);
  });
  if (lc.missing > 0) counts.set(fill, (counts.get(fill) ?? 0) + lc.missing);

  const sorted = [...counts.keys()].sort(byValue);
  const minCount = cfg.min_frequency < 1 ? cfg.min_frequency * nRows : cfg.min_frequency;
  const rare = new Set(sorted.filter((v) => counts.get(v)! < minCount));
  const nFrequent = sorted.length - rare.size;
  // max_categories counts the bucket: keep the max_categories - 1 most frequent levels.
  if (cfg.max_categories !== null && cfg.max_categories < nFrequent + 1) {
    const keep = cfg.max_categories - 1;
    // Stable ascending sort by count: among equal counts the earlier value turns infrequent first.
    const frequent = sorted.filter((v) => !rare.has(v));
    const asc = frequent
      .map((v, k) => [counts.get(v)!, k] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let r = 0; r < asc.length - keep; r++) rare.add(frequent[asc[r][1]]);
  }
  return { levels: sorted.filter((v) => !rare.has(v)), infrequent: sorted.filter((v) => rare.has(v)), fill };
}

export type UnknownMode = PreprocessConfig['handle_unknown'];
/** Slot meaning "no output" (one-hot all zeros, ordinal NaN). */
const NONE = -1;
/** Slot meaning "unknown level, report it" (handle_unknown: error). */
const UNKNOWN = -2;
const MAX_EXAMPLES = 5;

export function nSlots(st: CategoricalState): number {
  return st.levels.length + (st.infrequent.length ? 1 : 0);
}

/**
 * Encode one column into the row-major output: one-hot sets `out[row, j + slot] = 1`, ordinal
 * writes the slot as a float at column j. Returns an issue when unknown levels must be reported.
 */
export function writeCategorical(
  name: string,
  col: CategoricalColumn,
  st: CategoricalState,
  mode: UnknownMode,
  ordinal: boolean,
  out: Float64Array,
  p: number,
  j: number,
): Issue | null {
  const slotOf = new Map<string, number>();
  st.levels.forEach((v, k) => {
    slotOf.set(v, k);
  });
  const bucket = st.infrequent.length ? st.levels.length : NONE;
  for (const v of st.infrequent) slotOf.set(v, bucket);
  const unknownSlot = mode === 'error' ? UNKNOWN : mode === 'infrequent' ? bucket : NONE;
  // A missing value is never an error: if its fill is not a train level, it is treated as ignored.
  const fillSlot = slotOf.get(st.fill) ?? (mode === 'infrequent' ? bucket : NONE);
  const map = new Int32Array(col.dictionary.length);
  for (let k = 0; k < map.length; k++) map[k] = slotOf.get(col.dictionary[k]) ?? unknownSlot;

  const codes = col.codes;
  let seenUnknown: Uint8Array | null = null;
  for (let i = 0, k = j; i < codes.length; i++, k += p) {
    const slot = codes[i] < 0 ? fillSlot : map[codes[i]];
    if (slot >= 0) {
      if (ordinal) out[k] = slot;
      else out[k + slot] = 1;
    } else {
      if (ordinal) out[k] = Number.NaN;
      if (slot === UNKNOWN) {
        seenUnknown ??= new Uint8Array(map.length);
        seenUnknown[codes[i]] = 1;
      }
    }
  }
  if (!seenUnknown) return null;
  const unknown = col.dictionary.filter((_, k) => seenUnknown![k]);
  const quote = (vs: string[]) => vs.map((v) => JSON.stringify(v)).join(', ');
  const nKnown = st.levels.length + st.infrequent.length;
  const known = quote([...st.levels, ...st.infrequent].slice(0, MAX_EXAMPLES));
  const what = unknown.length === 1 ? 'a category' : `${unknown.length} categories`;
  return {
    path: name,
    code: 'unknown_category',
    message:
      `column "${name}" has ${what} not seen in training: ${quote(unknown.slice(0, MAX_EXAMPLES))}` +
      `${unknown.length > MAX_EXAMPLES ? ', …' : ''}; known: ${known}` +
      `${nKnown > MAX_EXAMPLES ? ` (+${nKnown - MAX_EXAMPLES} more)` : ''}. ` +
      'Set preprocessing.handle_unknown to ignore or infrequent to accept them',
  };
}
