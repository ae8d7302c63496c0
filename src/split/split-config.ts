/**
 * Split config, declared once. Fractions must sum to 1; each strategy that reads a column needs
 * that column named. Giving only `split_column` (CLI `--split-column`) selects strategy `column`.
 */
import { ConfigError, type Issue } from '../core/errors.js';
import { type ParamsOf, resolveParams } from '../core/params.js';

/**
 * The split strategies, by name (src/split/strategies/ implements one per name and checks it
 * implements exactly these). Declared here, with the config, so the config does not import the
 * strategies, which import the config's type.
 */
export const STRATEGY_NAMES = ['random', 'stratified', 'time', 'group', 'column'] as const;

/** The `split` section's parameters: strategy, part sizes, seed and the column a strategy needs. */
export const SPLIT_PARAMS = {
  strategy: {
    type: 'enum',
    default: 'random',
    values: STRATEGY_NAMES,
    doc: 'how rows are assigned to train/val/test',
  },
  train: {
    type: 'number',
    default: 0.7,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'fraction of rows for training',
  },
  val: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    doc: 'fraction for validation (model selection); 0 = no val part',
  },
  test: {
    type: 'number',
    default: 0.2,
    min: 0,
    max: 1,
    doc: 'fraction held out for the final test; 0 = none (rest goes to train)',
  },
  seed: { type: 'number', default: 42, min: 0, max: 4294967295, integer: true, doc: 'seed of the shuffles' },
  bins: {
    type: 'number',
    default: 10,
    min: 2,
    max: 1000,
    integer: true,
    doc: 'stratified: number of target quantile bins',
  },
  time_column: {
    type: 'string?',
    default: null,
    doc: 'time: datetime or numeric column, oldest rows go to train',
  },
  group_column: {
    type: 'string?',
    default: null,
    doc: 'group: rows sharing a value of this column stay in one part',
  },
  split_column: {
    type: 'string?',
    default: null,
    doc: 'column: column holding train / val / test per row (not a feature)',
  },
} as const;

/** The resolved `split` section. */
export type SplitConfig = ParamsOf<typeof SPLIT_PARAMS>;

/** Which column each strategy needs. */
const NEEDS: Record<string, keyof SplitConfig> = {
  time: 'time_column',
  group: 'group_column',
  column: 'split_column',
};

/**
 * Resolve the `split` section: defaults filled, the column each strategy needs checked, every
 * problem in one ConfigError.
 */
export function resolveSplitConfig(raw: unknown, path = 'split'): SplitConfig {
  const given =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : raw;
  if (given && typeof given === 'object' && 'split_column' in given && !('strategy' in given)) {
    (given as Record<string, unknown>).strategy = 'column';
  }
  const cfg = resolveParams(SPLIT_PARAMS, given, path);
  const issues: Issue[] = [];
  const sum = cfg.train + cfg.val + cfg.test;
  if (Math.abs(sum - 1) > 1e-9) {
    issues.push({
      path: `${path}.train`,
      code: 'fractions_sum',
      message: `${path}.train + ${path}.val + ${path}.test = ${cfg.train} + ${cfg.val} + ${cfg.test} = ${+sum.toFixed(12)}; they must sum to 1`,
    });
  }
  const need = NEEDS[cfg.strategy];
  if (need && !cfg[need]) {
    issues.push({
      path: `${path}.${need}`,
      code: 'required',
      message: `${path}.${need} is required when ${path}.strategy = ${cfg.strategy}`,
    });
  }
  for (const key of Object.values(NEEDS)) {
    if (key !== need && cfg[key] !== null) {
      issues.push({
        path: `${path}.${key}`,
        code: 'unused',
        message: `${path}.${key} = ${JSON.stringify(cfg[key])} has no effect with ${path}.strategy = ${cfg.strategy}; remove it or change the strategy`,
      });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return cfg;
}
