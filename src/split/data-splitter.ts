/**
 * DataSplitter: cuts the cleaned rows into train / val / test before anything is learned, so no
 * statistic of val or test reaches preprocessing or the model. The split is recorded (counts and
 * a hash per part) so a run can prove which rows it trained and tested on.
 */
import { DataError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import type { Frame } from '../data/frame.js';
import { resolveSplitConfig, type SplitConfig } from './split-config.js';
import { hashIndices } from './split-hash.js';
import { partSizes, TEST, TRAIN, VAL } from './split-strategy.js';
import { getSplitStrategy } from './strategies/index.js';

export { resolveSplitConfig, type SplitConfig } from './split-config.js';

/**
 * How rows were split, as metadata.json records it: the strategy, the seed, the counts and a hash
 * of each part's row indices.
 */
export interface SplitReport {
  strategy: string;
  seed: number;
  counts: { train: number; val: number; test: number };
  hashes: { train: string; val: string; test: string };
}

/**
 * The row indices of TRAIN, VAL and TEST, and the columns that described the split rather than the
 * rows.
 */
export interface SplitResult {
  /** Row indices of each part, ascending. */
  train: Uint32Array;
  val: Uint32Array;
  test: Uint32Array;
  /** Columns that must not be features (the split column of strategy `column`). */
  dropColumns: string[];
  report: SplitReport;
}

/**
 * The seed's split stage: assigns every row to TRAIN, VAL or TEST (random, stratified, time, group
 * or a column) before anything is learned.
 */
export class DataSplitter {
  readonly config: SplitConfig;

  constructor(config: SplitConfig = resolveSplitConfig(undefined)) {
    this.config = config;
  }

  split(frame: Frame, target: string): SplitResult {
    const cfg = this.config;
    const strategy = getSplitStrategy(cfg.strategy);
    const needed = [target, cfg.time_column, cfg.group_column, cfg.split_column].filter(
      (c): c is string => !!c,
    );
    const absent = needed.filter((c) => !frame.has(c));
    if (absent.length) {
      throw new DataError(
        'missing_column',
        `Split needs column${absent.length > 1 ? 's' : ''} ${absent.map((c) => `"${c}"`).join(', ')}, ` +
          `not found; columns are: ${frame.names.join(', ')}`,
      );
    }
    const n = frame.nRows;
    const sizes = partSizes(n, cfg);
    const part = strategy.assign({ frame, target, config: cfg, sizes, rng: new Rng(cfg.seed) });

    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[part[i]]++;
    const parts = [
      new Uint32Array(counts[TRAIN]),
      new Uint32Array(counts[VAL]),
      new Uint32Array(counts[TEST]),
    ];
    const fill = [0, 0, 0];
    // Scanning rows in order leaves every part sorted ascending.
    for (let i = 0; i < n; i++) parts[part[i]][fill[part[i]]++] = i;
    const [train, val, test] = parts;
    checkNonEmpty(cfg, n, { train: train.length, val: val.length, test: test.length });

    return {
      train,
      val,
      test,
      dropColumns: strategy.dropColumns?.(cfg) ?? [],
      report: {
        strategy: cfg.strategy,
        seed: cfg.seed,
        counts: { train: train.length, val: val.length, test: test.length },
        hashes: { train: hashIndices(train), val: hashIndices(val), test: hashIndices(test) },
      },
    };
  }
}

/** A part may be empty only when its fraction is 0 (train never). */
function checkNonEmpty(
  cfg: SplitConfig,
  n: number,
  counts: { train: number; val: number; test: number },
): void {
  const empty = (['train', 'val', 'test'] as const).filter(
    (p) => counts[p] === 0 && (p === 'train' || cfg[p] > 0),
  );
  if (!empty.length) return;
  const hint: Record<string, string> = {
    random: 'use more rows or larger fractions',
    stratified: 'use more rows or larger fractions',
    time: `split.time_column "${cfg.time_column}" has too few distinct times for these fractions`,
    group: `split.group_column "${cfg.group_column}" has too few groups for these fractions`,
    column: `split column "${cfg.split_column}" has no rows labelled ${empty.join(' or ')}`,
  };
  throw new DataError(
    'empty_part',
    `Split (${cfg.strategy}) of ${n} rows leaves ${empty.join(' and ')} empty ` +
      `(train ${counts.train}, val ${counts.val}, test ${counts.test}); ` +
      `${hint[cfg.strategy] ?? ''}` +
      (empty.includes('train')
        ? ''
        : `, or set ${empty.map((p) => `split.${p}: 0`).join(' and ')} (fractions must still sum to 1)`),
  );
}
