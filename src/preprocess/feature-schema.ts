/**
 * What each input column looked like in TRAIN: the feature schema written to metadata.json and
 * used later to validate requests and measure drift. Plain JSON: min/max are null when the
 * column had no value (datetimes in ms since the epoch, with ISO strings beside them).
 */
import { BOOL_MISSING, type Column, type ColumnType } from '../data/frame.js';
import type { LevelCounts } from './categorical-step.js';

/**
 * One input column as training saw it (type, missing values, range, levels): metadata.json's
 * `features`, from which the data contract is built.
 */
// A type alias (not an interface) so it is assignable to JSON-record types such as metadata's.
export type FeatureSchema = {
  readonly name: string;
  readonly type: ColumnType;
  /** Had at least one missing value in train. */
  readonly nullable: boolean;
  readonly missingCount: number;
  /** Numeric, datetime (ms) and boolean (0/1) columns. */
  readonly min?: number | null;
  readonly max?: number | null;
  readonly minIso?: string | null;
  readonly maxIso?: string | null;
  /** Categorical columns: distinct train values, most frequent first, with their counts. */
  readonly categories?: string[];
  readonly categoryCounts?: number[];
};

export function learnSchema(name: string, col: Column, levels: LevelCounts | null): FeatureSchema {
  if (col.type === 'categorical') {
    const lc = levels!;
    return {
      name,
      type: col.type,
      nullable: lc.missing > 0,
      missingCount: lc.missing,
      categories: lc.values,
      categoryCounts: lc.counts,
    };
  }
  let missing = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const v = col.values;
  const miss = col.type === 'boolean' ? BOOL_MISSING : Number.NaN;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === miss || Number.isNaN(x)) {
      missing++;
      continue;
    }
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const any = missing < v.length;
  const base = {
    name,
    type: col.type,
    nullable: missing > 0,
    missingCount: missing,
    min: any ? min : null,
    max: any ? max : null,
  };
  if (col.type !== 'datetime') return base;
  const iso = (x: number) => (any ? new Date(x).toISOString() : null);
  return { ...base, minIso: iso(min), maxIso: iso(max) };
}
