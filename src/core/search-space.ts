/**
 * Search spaces for hyperparameter tuning (random search on VAL, or successive halving inside
 * cross-validation). Each model family declares its own (`ModelFamily.searchSpace`): the ranges a
 * practitioner would try first (log scale for penalties and rates; leaf sizes bounded by the
 * training rows). A family without a space cannot be tuned; asking for it is a ConfigError.
 */
import type { Rng } from './random.js';

export type Dimension =
  | { kind: 'log'; min: number; max: number }
  | { kind: 'uniform'; min: number; max: number }
  /**
   * `rowsFraction`: the upper end shrinks to this fraction of the training rows (never below
   * `min`), so leaf sizes stay meaningful on small data (a 100-row leaf on 700 rows is a stump).
   */
  | { kind: 'int'; min: number; max: number; rowsFraction?: number }
  | { kind: 'choice'; values: readonly (string | number | boolean | null)[] };

/** Parameter name → the range its draws come from. */
export type SearchSpace = Record<string, Dimension>;

/** One seeded draw from a space; `rows` (training rows) bounds the dimensions scaled to it. */
export function sampleParams(
  space: SearchSpace,
  rng: Rng,
  rows = Number.POSITIVE_INFINITY,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(space)) {
    switch (d.kind) {
      case 'log':
        out[name] = Number(
          Math.exp(Math.log(d.min) + rng.next() * (Math.log(d.max) - Math.log(d.min))).toPrecision(4),
        );
        break;
      case 'uniform':
        out[name] = Number((d.min + rng.next() * (d.max - d.min)).toPrecision(4));
        break;
      case 'int': {
        const max = d.rowsFraction
          ? Math.max(d.min, Math.min(d.max, Math.floor(rows * d.rowsFraction)))
          : d.max;
        out[name] = d.min + rng.int(max - d.min + 1);
        break;
      }
      case 'choice':
        out[name] = d.values[rng.int(d.values.length)];
        break;
    }
  }
  return out;
}
