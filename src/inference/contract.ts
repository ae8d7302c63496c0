/**
 * The data contract of a run: what every input column looked like in TRAIN (type, whether it had
 * nulls, min/max and quantiles, the category set). Learned at training time from the
 * preprocessor's feature schema, stored as metadata.json `features`, and read back here so that
 * inference validates each request against it.
 */
import { ArtifactError } from '../core/errors.js';
import { SortedOnce } from '../core/sort.js';
import type { ColumnType, Frame } from '../data/frame.js';

/**
 * What training saw of one input column (type, missing values, range or levels): the checks
 * inference applies to a request.
 */
export interface ContractFeature {
  readonly name: string;
  readonly type: ColumnType;
  /** Train had at least one missing value. */
  readonly nullable: boolean;
  /** Numeric and datetime (ms) columns; null when train had no value. */
  readonly min?: number | null;
  readonly max?: number | null;
  /** Numeric and datetime columns: train quantiles keyed "0.01" … "0.99" (for drift checks). */
  readonly quantiles?: Record<string, number>;
  /** Categorical columns: every train level. */
  readonly categories?: readonly string[];
}

/**
 * The inputs a saved model accepts: one entry per feature, and the columns ignored without a
 * warning.
 */
export interface DataContract {
  readonly features: readonly ContractFeature[];
  /** Input columns accepted and ignored without a warning (target, dropped and split columns). */
  readonly ignored: readonly string[];
}

/** The train quantiles stored per numeric and datetime input beside the feature schema. */
export const CONTRACT_QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

const TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'datetime'];

/**
 * Quantiles of the numeric/datetime train columns, to store beside the feature schema; `sorted`
 * shares the sorted columns with other summaries of the frame (the drift profile).
 */
export function trainQuantiles(
  train: Frame,
  sorted: SortedOnce = new SortedOnce(),
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  train.names.forEach((name, k) => {
    const col = train.columns[k];
    if (col.type !== 'numeric' && col.type !== 'datetime') return;
    const v = sorted.get(col.values);
    if (!v.length) return;
    const q: Record<string, number> = {};
    for (const p of CONTRACT_QUANTILES) {
      const h = (v.length - 1) * p;
      const lo = Math.floor(h);
      q[String(p)] = v[lo] + (h - lo) * (v[Math.min(lo + 1, v.length - 1)] - v[lo]);
    }
    out[name] = q;
  });
  return out;
}

/** The contract from metadata.json `features` (the stored schema), checking its shape. */
export function contractFromFeatures(features: unknown, ignored: readonly string[] = []): DataContract {
  if (!Array.isArray(features) || features.length === 0) {
    throw new ArtifactError(
      'bad_metadata',
      'metadata.json has no `features` list: the data contract is missing; re-train the model',
    );
  }
  const out: ContractFeature[] = features.map((f, i) => {
    const e = f as Record<string, unknown>;
    if (typeof e?.name !== 'string' || !TYPES.includes(e.type as ColumnType)) {
      throw new ArtifactError(
        'bad_metadata',
        `metadata.json features[${i}] = ${JSON.stringify(f)?.slice(0, 80)} is not a feature ` +
          `(expected {name, type: ${TYPES.join('|')}, nullable, ...})`,
      );
    }
    const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
    return {
      name: e.name,
      type: e.type as ColumnType,
      nullable: e.nullable === true,
      ...(e.type === 'numeric' || e.type === 'datetime' ? { min: num(e.min), max: num(e.max) } : {}),
      ...(e.quantiles && typeof e.quantiles === 'object'
        ? { quantiles: e.quantiles as Record<string, number> }
        : {}),
      ...(Array.isArray(e.categories) ? { categories: e.categories.map(String) } : {}),
    };
  });
  const names = new Set(out.map((f) => f.name));
  return { features: out, ignored: ignored.filter((n) => !names.has(n)) };
}
