/**
 * The `inference` config section, declared once: what each data-contract check does with a row
 * (reject it, warn and predict, or clip it into the train range) and how prediction intervals are
 * calibrated at training time. Defaults follow the principle "never predict silently": a row that
 * cannot be read is rejected, anything merely unusual is predicted with a warning attached.
 */
import type { FieldIssueCode } from '../core/error-codes.js';
import { ConfigError, type Issue } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/** Every data-contract check inference runs on an input row. */
export const ISSUE_CODES = [
  'missing_feature',
  'wrong_type',
  'out_of_range',
  'unknown_category',
  'unexpected_field',
  'null_not_allowed',
] as const satisfies readonly FieldIssueCode[];
/** One of {@link ISSUE_CODES}. */
export type IssueCode = (typeof ISSUE_CODES)[number];

/**
 * What a check does with a row it flags: refuse it, predict with a warning, or clip the value into
 * the train range.
 */
export type PolicyAction = 'reject' | 'warn' | 'clip';
/** What each check does with the row it flags. `clip` is only meaningful for out_of_range. */
export type ValidationPolicy = Record<IssueCode, PolicyAction>;

const ACTIONS = ['reject', 'warn'] as const;

/**
 * The `inference` section's parameters: the action of each contract check and the prediction
 * intervals.
 */
export const INFERENCE_PARAMS = {
  on_missing_feature: {
    type: 'enum',
    default: 'reject',
    values: ACTIONS,
    doc: 'a feature absent from a record (or a column absent from a file)',
  },
  on_wrong_type: {
    type: 'enum',
    default: 'reject',
    values: ACTIONS,
    doc: 'a value that cannot be read as the feature type (warn: treated as missing and imputed)',
  },
  on_out_of_range: {
    type: 'enum',
    default: 'warn',
    values: ['reject', 'warn', 'clip'],
    doc: 'a number or date outside the train [min, max] (clip: moved to the nearest bound, with a warning)',
  },
  on_unknown_category: {
    type: 'enum',
    default: 'warn',
    values: ACTIONS,
    doc: 'a category never seen in train (warn: encoded as preprocessing.handle_unknown says)',
  },
  on_unexpected_field: {
    type: 'enum',
    default: 'warn',
    values: ACTIONS,
    doc: 'a field the model does not use (the target, dropped and split columns are ignored silently)',
  },
  on_null_not_allowed: {
    type: 'enum',
    default: 'warn',
    values: ACTIONS,
    doc: 'a missing value in a feature that had none in train (warn: imputed with the train fill)',
  },
  interval_coverage: {
    type: 'number',
    default: 0.9,
    min: 0.5,
    max: 0.999,
    doc: 'nominal coverage of split-conformal prediction intervals, calibrated on VAL residuals',
  },
  interval_method: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'absolute', 'adaptive', 'none'],
    doc: 'absolute: one width for every row; adaptive: width scaled by a difficulty model of |residual|; auto: the one with the lower interval score on VAL (cross-fitted)',
  },
} as const satisfies ParamTable;

/** The resolved `inference` section. */
export type InferenceConfig = ParamsOf<typeof INFERENCE_PARAMS>;

/** Resolve the `inference` section: defaults filled, every problem reported in one ConfigError. */
export function resolveInferenceConfig(raw: unknown, prefix = 'inference'): InferenceConfig {
  return resolveParams(INFERENCE_PARAMS, raw, prefix);
}

/** The action of each contract check from the `inference` section. */
export function policyFromConfig(cfg: InferenceConfig): ValidationPolicy {
  return {
    missing_feature: cfg.on_missing_feature,
    wrong_type: cfg.on_wrong_type,
    out_of_range: cfg.on_out_of_range,
    unknown_category: cfg.on_unknown_category,
    unexpected_field: cfg.on_unexpected_field,
    null_not_allowed: cfg.on_null_not_allowed,
  };
}

/** The validation policy of a default config. */
export const DEFAULT_POLICY: Readonly<ValidationPolicy> = Object.freeze(
  policyFromConfig(resolveInferenceConfig(undefined)),
);

/** Defaults ← `base` ← `override`; every bad entry reported at once. */
export function resolvePolicy(
  override: Partial<Record<string, unknown>> = {},
  base: ValidationPolicy = DEFAULT_POLICY,
): ValidationPolicy {
  const out = { ...base };
  const issues: Issue[] = [];
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) continue;
    if (!(ISSUE_CODES as readonly string[]).includes(k)) {
      issues.push({
        path: `policy.${k}`,
        code: 'unknown_key',
        message: `policy.${k} is not a validation check; checks: ${ISSUE_CODES.join(', ')}`,
      });
      continue;
    }
    const allowed = k === 'out_of_range' ? ['reject', 'warn', 'clip'] : ['reject', 'warn'];
    if (!allowed.includes(v as string)) {
      issues.push({
        path: `policy.${k}`,
        code: 'invalid_value',
        message: `policy.${k} = ${JSON.stringify(v)} is not allowed: expected one of ${allowed.join(', ')}`,
      });
      continue;
    }
    out[k as IssueCode] = v as PolicyAction;
  }
  if (issues.length) throw new ConfigError(issues);
  return out;
}
