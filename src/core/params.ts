/**
 * Parameters are declared once — default, check and doc — and from that one table come the
 * TypeScript type, validation with errors that name the parameter, config defaults and docs.
 */
import { ConfigError, type Issue } from './errors.js';

/**
 * One parameter declared once: its type, default, bounds or allowed values, and the doc that
 * `tabflow init` and `tabflow models` print.
 */
export type ParamSpec =
  | {
      type: 'number';
      default: number;
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      integer?: boolean;
      doc: string;
    }
  | { type: 'number?'; default: number | null; min?: number; max?: number; integer?: boolean; doc: string }
  | { type: 'boolean'; default: boolean; doc: string }
  | { type: 'enum'; default: string; values: readonly string[]; doc: string }
  | { type: 'string'; default: string; doc: string }
  | { type: 'string?'; default: string | null; doc: string }
  | {
      type: 'number|enum';
      default: number | string;
      values: readonly string[];
      min?: number;
      max?: number;
      doc: string;
    };

/** A section's or model family's parameters by name; `ParamsOf` derives the resolved type from it. */
export type ParamTable = Record<string, ParamSpec>;

type ValueOf<S extends ParamSpec> = S extends { type: 'number' }
  ? number
  : S extends { type: 'number?' }
    ? number | null
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'enum'; values: readonly (infer V)[] }
        ? V
        : S extends { type: 'string' }
          ? string
          : S extends { type: 'string?' }
            ? string | null
            : S extends { type: 'number|enum'; values: readonly (infer V)[] }
              ? number | V
              : never;

/** The resolved parameter object type of a table. */
export type ParamsOf<T extends ParamTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

export function defaults<T extends ParamTable>(table: T): ParamsOf<T> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(table)) out[k] = s.default;
  return out as ParamsOf<T>;
}

/** Check a single value against its spec; returns an issue or null. */
export function checkParam(path: string, spec: ParamSpec, v: unknown): Issue | null {
  const bad = (allowed: string): Issue => ({
    path,
    code: 'invalid_value',
    message: `${path} = ${JSON.stringify(v)} is not allowed: expected ${allowed}`,
  });
  const checkNum = (
    x: number,
    s: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
  ) => {
    if (!Number.isFinite(x)) return bad('a finite number');
    if ('integer' in s && s.integer && !Number.isInteger(x)) return bad('an integer');
    if (s.min !== undefined && (s.exclusiveMin ? x <= s.min : x < s.min))
      return bad(
        `a number ${s.exclusiveMin ? '>' : '≥'} ${s.min}${s.max !== undefined ? ` and ≤ ${s.max}` : ''}`,
      );
    if (s.max !== undefined && x > s.max)
      return bad(`a number ≤ ${s.max}${s.min !== undefined ? ` and ≥ ${s.min}` : ''}`);
    return null;
  };
  switch (spec.type) {
    case 'number':
      return typeof v === 'number' ? checkNum(v, spec) : bad('a number');
    case 'number?':
      return v === null ? null : typeof v === 'number' ? checkNum(v, spec) : bad('a number or null');
    case 'boolean':
      return typeof v === 'boolean' ? null : bad('true or false');
    case 'enum':
      return spec.values.includes(v as string) ? null : bad(`one of ${spec.values.join(', ')}`);
    case 'string':
      return typeof v === 'string' ? null : bad('a string');
    case 'string?':
      return v === null || typeof v === 'string' ? null : bad('a string or null');
    case 'number|enum':
      if (typeof v === 'number') return checkNum(v, spec);
      return spec.values.includes(v as string) ? null : bad(`a number or one of ${spec.values.join(', ')}`);
  }
}

/**
 * Merge user values over defaults and validate them all. Unknown keys are errors (a typo must
 * not silently fall back to a default). Throws ConfigError listing every problem.
 */
export function resolveParams<T extends ParamTable>(
  table: T,
  given: unknown,
  prefix = 'params',
): ParamsOf<T> {
  const out = defaults(table) as Record<string, unknown>;
  const issues: Issue[] = [];
  if (given !== undefined && given !== null) {
    if (typeof given !== 'object' || Array.isArray(given)) {
      throw new ConfigError([
        {
          path: prefix,
          code: 'invalid_type',
          message: `${prefix} must be a mapping of parameter names to values`,
        },
      ]);
    }
    for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
      const spec = table[k];
      if (!spec) {
        issues.push({
          path: `${prefix}.${k}`,
          code: 'unknown_key',
          message: `${prefix}.${k} is not a known parameter; known: ${Object.keys(table).join(', ')}`,
        });
        continue;
      }
      // YAML reads `true`/`false` as booleans; enums that spell them as strings accept both.
      const value =
        spec.type === 'enum' && typeof v === 'boolean' && spec.values.includes(String(v)) ? String(v) : v;
      const issue = checkParam(`${prefix}.${k}`, spec, value);
      if (issue) issues.push(issue);
      else out[k] = value;
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return out as ParamsOf<T>;
}

/** Markdown reference of a parameter table (for docs and `tabflow init`). */
export function describeParams(table: ParamTable): string[] {
  return Object.entries(table).map(([k, s]) => {
    const allowed = 'values' in s ? ` (${s.values.join(' | ')})` : '';
    return `${k}: ${JSON.stringify(s.default)}${allowed} — ${s.doc}`;
  });
}
