/**
 * ProductionPreprocessor: hyperparameters only. `fit(train)` learns every statistic from the
 * train frame it is given — and from nothing else — and returns a separate FittedPreprocessor.
 */
import { DataError } from '../core/errors.js';
import { BOOL_MISSING, type Column, type Frame } from '../data/frame.js';
import type { InputEncoding } from '../models/regressor.js';
import { countLevels, fitCategorical, type LevelCounts } from './categorical-step.js';
import { datetimePartsFor } from './datetime-parts.js';
import { learnSchema } from './feature-schema.js';
import { channelValues, FittedPreprocessor } from './fitted-preprocessor.js';
import type { ColumnPlan, FittedState } from './fitted-state.js';
import { fitNumeric, type NumericStats } from './numeric-step.js';
import type { PreprocessConfig } from './params.js';

/**
 * The unfitted preprocessing stage: its config and the encoding the model family asked for;
 * `fit(train)` learns on TRAIN rows only and returns a {@link FittedPreprocessor}.
 */
export class ProductionPreprocessor {
  readonly config: Readonly<PreprocessConfig>;
  /** What the model family asked for; `config.encoding` other than auto overrides it. */
  readonly encoding: InputEncoding;

  constructor(config: PreprocessConfig, opts: { encoding: InputEncoding }) {
    this.config = config;
    this.encoding = opts.encoding;
  }

  fit(train: Frame): FittedPreprocessor {
    if (train.nRows === 0)
      throw new DataError('empty_train', 'Cannot fit the preprocessor: the train set has no rows');
    const cfg = this.config;
    const plans: ColumnPlan[] = [];
    const stats: NumericStats[] = [];
    const schema = [];
    const problems: string[] = [];
    for (let k = 0; k < train.nCols; k++) {
      const name = train.names[k];
      const col = train.columns[k];
      let levels: LevelCounts | null = null;
      if (col.type === 'categorical') {
        levels = countLevels(col);
        plans.push({ name, type: 'categorical', cat: fitCategorical(levels, train.nRows, cfg) });
      } else {
        const plan = numericPlan(name, col, stats.length, cfg.add_missing_indicator);
        for (const x of channelValues(plan, col)) {
          const bad = firstNonFinite(x);
          if (bad >= 0) problems.push(`column "${name}" has the value ${x[bad]} at train row ${bad}`);
          stats.push(fitNumeric(x, cfg));
        }
        plans.push(plan);
      }
      schema.push(learnSchema(name, col, levels));
    }
    if (problems.length) {
      throw new DataError(
        'not_finite',
        `Cannot fit the preprocessor: ${problems.join('; ')}. Only finite numbers are allowed; ` +
          'clean or drop these values first',
      );
    }
    const state: FittedState = {
      config: { ...cfg },
      requested: this.encoding,
      encoding: cfg.encoding === 'auto' ? this.encoding : cfg.encoding,
      inputColumns: train.names.map((name, k) => ({ name, type: train.columns[k].type })),
      schema,
      plans,
      stats: {
        fill: Float64Array.from(stats, (s) => s.fill),
        lo: Float64Array.from(stats, (s) => s.lo),
        hi: Float64Array.from(stats, (s) => s.hi),
        center: Float64Array.from(stats, (s) => s.center),
        scale: Float64Array.from(stats, (s) => s.scale),
      },
    };
    const fitted = new FittedPreprocessor(state);
    checkDenseSize(fitted, train.nRows, plans);
    return fitted;
  }
}

/** The model matrix is dense: refuse (clearly) a one-hot width that cannot fit in memory. */
const MAX_MATRIX_BYTES = 2 ** 31;

function checkDenseSize(f: FittedPreprocessor, nRows: number, plans: ColumnPlan[]): void {
  const bytes = nRows * f.featureNames.length * 8;
  if (bytes <= MAX_MATRIX_BYTES) return;
  const wide = plans
    .flatMap((p) => (p.type === 'categorical' ? [[p.name, p.cat.levels.length] as const] : []))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([n, k]) => `"${n}" (${k} levels)`);
  throw new DataError(
    'matrix_too_large',
    `Preprocessing would give a ${nRows} × ${f.featureNames.length} matrix ` +
      `(${(bytes / 2 ** 30).toFixed(1)} GB); ` +
      `widest categorical columns: ${wide.join(', ')}. Set preprocessing.max_categories or min_frequency, ` +
      'use encoding: ordinal, or drop identifier-like columns',
  );
}

function numericPlan(
  name: string,
  col: Exclude<Column, { type: 'categorical' }>,
  channel: number,
  ind: boolean,
): ColumnPlan {
  let hasMissing = false;
  const v = col.values;
  for (let i = 0; i < v.length && !hasMissing; i++)
    hasMissing = col.type === 'boolean' ? v[i] === BOOL_MISSING : Number.isNaN(v[i]);
  // scikit-learn's add_indicator='missing-only': an indicator only where train had gaps.
  const indicator = ind && hasMissing;
  if (col.type === 'datetime')
    return { name, type: 'datetime', channel, parts: datetimePartsFor(v as Float64Array), indicator };
  return { name, type: col.type, channel, indicator };
}

function firstNonFinite(x: Float64Array): number {
  for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0 && !Number.isNaN(x[i])) return i;
  return -1;
}
