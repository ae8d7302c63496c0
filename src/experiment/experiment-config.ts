/**
 * The `experiment` config section: the stopping rule of `tabflow ab`.
 *
 * A fixed-horizon design: decide the sample size first (`max_samples` actuals per arm), let the
 * experiment run until both arms have it, then test once at level `alpha`. Looking at the p-value
 * after every batch of feedback and stopping at the first "significant" one inflates the false
 * positive rate far above alpha (with ten looks at α = 0.05 it is near 0.2), which is why
 * `tabflow ab conclude` refuses before the horizon unless --force. `min_samples` is the floor
 * below which no verdict is given at all ('insufficient_data').
 */
import { join } from 'node:path';
import { readRunConfig } from '../artifacts/run-config.js';
import { ConfigError, type Issue } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/** The `experiment` section's parameters: the stopping rule of `tabflow ab` and its test. */
export const EXPERIMENT_PARAMS = {
  min_samples: {
    type: 'number',
    default: 100,
    integer: true,
    min: 2,
    doc: 'actuals each arm needs before any verdict (below: insufficient_data)',
  },
  max_samples: {
    type: 'number?',
    default: 1000,
    integer: true,
    min: 2,
    doc: 'planned actuals per arm (fixed horizon): "ready to conclude" from here; null = from min_samples',
  },
  alpha: {
    type: 'number',
    default: 0.05,
    min: 0,
    max: 0.5,
    exclusiveMin: true,
    doc: 'significance level of the one test at the horizon (peeking repeatedly inflates false positives)',
  },
  metric: {
    type: 'enum',
    default: 'mae',
    values: ['mae', 'rmse'],
    doc: 'mae: t-test on absolute errors (Welch; paired in shadow mode); rmse: bootstrap of the RMSE difference',
  },
  resamples: { type: 'number', default: 2000, integer: true, min: 10, doc: 'bootstrap resamples' },
  seed: { type: 'number', default: 0, integer: true, min: 0, doc: 'bootstrap seed' },
  weight: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 0.99,
    exclusiveMin: true,
    doc: 'share of traffic the challenger answers when `ab start` has no --weight',
  },
} as const satisfies ParamTable;

/** The resolved `experiment` section. */
export type ExperimentConfig = ParamsOf<typeof EXPERIMENT_PARAMS>;

/**
 * Resolve the `experiment` section: defaults filled, bad values and inconsistent sample sizes
 * reported in one ConfigError.
 */
export function resolveExperimentConfig(raw: unknown, prefix = 'experiment'): ExperimentConfig {
  const cfg = resolveParams(EXPERIMENT_PARAMS, raw, prefix);
  const issues: Issue[] = [];
  if (cfg.max_samples !== null && cfg.max_samples < cfg.min_samples) {
    issues.push({
      path: `${prefix}.max_samples`,
      code: 'invalid_value',
      message: `${prefix}.max_samples = ${cfg.max_samples} is not allowed: expected null or ≥ min_samples (${cfg.min_samples})`,
    });
  }
  if (issues.length) throw new ConfigError(issues);
  return cfg;
}

/**
 * The stopping rule of the models folder `root` when no config file is given: the production
 * run's own `experiment` section, else the defaults. `tabflow ab` without --config and the UI's
 * experiments page both judge by it, so they show the same numbers.
 */
export function productionStoppingRule(root: string): ExperimentConfig {
  return resolveExperimentConfig(readRunConfig(join(root, 'production')).experiment ?? {});
}
