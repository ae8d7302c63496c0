/**
 * Cleaning config. Scalar switches live in a ParamTable; the three structured keys (token list,
 * column → type map, column list) are checked here in the same style, and every problem is
 * reported at once.
 */
import { ConfigError, type Issue } from '../core/errors.js';
import { type ParamsOf, resolveParams } from '../core/params.js';
import type { ColumnType } from '../data/frame.js';

/**
 * The scalar switches of the `cleaning` section (duplicates, missing targets, trimming), declared
 * once with default and doc.
 */
export const CLEAN_PARAMS = {
  drop_duplicates: {
    type: 'boolean',
    default: true,
    doc: 'drop exact duplicate rows (missing equals missing), keep the first',
  },
  drop_missing_target: { type: 'boolean', default: true, doc: 'drop rows whose target is missing' },
  trim_strings: {
    type: 'boolean',
    default: true,
    doc: 'strip surrounding whitespace in categorical columns; levels that become equal merge',
  },
} as const;

/** The tokens pandas.read_csv reads as missing, so both tools see the same cells as missing. */
export const DEFAULT_MISSING_TOKENS: readonly string[] = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

export const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'datetime'];

/**
 * The resolved `cleaning` section: the scalar switches plus the missing tokens, forced column
 * types and dropped columns.
 */
export type CleanConfig = ParamsOf<typeof CLEAN_PARAMS> & {
  /** Categorical cells equal to one of these (after trimming) become missing. */
  missing_tokens: string[];
  /** Target type per column. */
  types: Record<string, ColumnType>;
  drop_columns: string[];
};

/** Docs of the structured keys (the ParamTable holds only scalars), for `tabflow init` and docs. */
export const CLEAN_STRUCTURED_DOCS: Record<'missing_tokens' | 'types' | 'drop_columns', string> = {
  missing_tokens:
    'categorical cells equal to one of these (after trimming) become missing; default: the pandas list',
  types:
    'column → numeric | categorical | boolean | datetime; unreadable cells become missing and are counted',
  drop_columns: 'columns removed before anything else (ids, leaks)',
};

const STRUCTURED = Object.keys(CLEAN_STRUCTURED_DOCS);

/** The `cleaning` section with every default: what `new DataCleaner()` uses. */
export function defaultCleanConfig(): CleanConfig {
  return resolveCleanConfig(undefined);
}

/**
 * Resolve a raw `cleaning` section: defaults filled, every problem (key, value, rule) reported in
 * one ConfigError.
 */
export function resolveCleanConfig(raw: unknown, path = 'cleaning'): CleanConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError([
      { path, code: 'invalid_type', message: `${path} must be a mapping, got ${JSON.stringify(raw)}` },
    ]);
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const issues: Issue[] = [];
  const known = [...Object.keys(CLEAN_PARAMS), ...STRUCTURED];
  const scalars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) {
    if (k in CLEAN_PARAMS) scalars[k] = v;
    else if (!STRUCTURED.includes(k)) {
      issues.push({
        path: `${path}.${k}`,
        code: 'unknown_key',
        message: `${path}.${k} is not a known key; known: ${known.join(', ')}`,
      });
    }
  }
  const base = resolveParamsCollect(scalars, path, issues);

  const tokens = stringList(given.missing_tokens, `${path}.missing_tokens`, issues) ?? [
    ...DEFAULT_MISSING_TOKENS,
  ];
  const drop = stringList(given.drop_columns, `${path}.drop_columns`, issues) ?? [];
  const types: Record<string, ColumnType> = {};
  if (given.types !== undefined && given.types !== null) {
    if (typeof given.types !== 'object' || Array.isArray(given.types)) {
      issues.push({
        path: `${path}.types`,
        code: 'invalid_type',
        message: `${path}.types = ${JSON.stringify(given.types)} is not allowed: expected a mapping of column name to one of ${COLUMN_TYPES.join(', ')}`,
      });
    } else {
      for (const [col, t] of Object.entries(given.types as Record<string, unknown>)) {
        if (!COLUMN_TYPES.includes(t as ColumnType)) {
          issues.push({
            path: `${path}.types.${col}`,
            code: 'invalid_value',
            message: `${path}.types.${col} = ${JSON.stringify(t)} is not allowed: expected one of ${COLUMN_TYPES.join(', ')}`,
          });
        } else if (drop.includes(col)) {
          issues.push({
            path: `${path}.types.${col}`,
            code: 'conflict',
            message: `${path}.types.${col} sets a type for a column that ${path}.drop_columns removes; keep one of the two`,
          });
        } else types[col] = t as ColumnType;
      }
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return { ...base, missing_tokens: tokens, types, drop_columns: drop };
}

function resolveParamsCollect(scalars: Record<string, unknown>, path: string, issues: Issue[]) {
  try {
    return resolveParams(CLEAN_PARAMS, scalars, path);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    issues.push(...e.issues);
    return resolveParams(CLEAN_PARAMS, {}, path);
  }
}

function stringList(v: unknown, path: string, issues: Issue[]): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
    issues.push({
      path,
      code: 'invalid_type',
      message: `${path} = ${JSON.stringify(v)} is not allowed: expected a list of strings`,
    });
    return undefined;
  }
  return [...v];
}
