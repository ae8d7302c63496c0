/**
 * Frame from plain JS records (JSON request bodies at inference time). Same inference rules as
 * the file loader: numbers → numeric, booleans → boolean, Dates → datetime, strings by their
 * distinct values (see infer.ts), mixed → categorical. Declared `types` win.
 */
import { DataError } from '../core/errors.js';
import { convertColumn, dropMissingTokens, refineCategorical } from './convert.js';
import { BOOL_MISSING, type CategoricalColumn, type Column, type ColumnType, Frame } from './frame.js';
import { DEFAULT_MISSING_TOKENS } from './infer.js';

/**
 * How {@link frameFromRecords} reads values: which strings mean missing, and the source name its
 * errors give.
 */
export interface RecordsOptions {
  /** Strings that mean "missing" (default: '', NA, null, NULL, NaN, N/A). */
  missingTokens?: readonly string[];
  /** Named in error messages (default "records"). */
  source?: string;
}

/**
 * A Frame from an array of plain records (JSON rows): types inferred per column as the file
 * loaders do, or forced by `types`.
 */
export function frameFromRecords(
  records: readonly Record<string, unknown>[],
  types: Readonly<Record<string, ColumnType>> = {},
  opts: RecordsOptions = {},
): Frame {
  const source = opts.source ?? 'records';
  if (!Array.isArray(records)) {
    throw new DataError('not_records', `Expected an array of records (objects) in ${source}.`);
  }
  const names: string[] = [];
  const seen = new Set<string>();
  records.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      throw new DataError(
        'not_records',
        `Record ${i} in ${source} is ${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}; ` +
          'every record must be an object mapping column names to values.',
      );
    }
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  });
  for (const name of Object.keys(types)) {
    if (!seen.has(name)) {
      throw new DataError(
        'missing_column',
        `Column "${name}" has a declared type but appears in no record of ${source}; ` +
          `columns are: ${names.join(', ') || '(none)'}.`,
      );
    }
  }
  const tokens = new Set(opts.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const columns = names.map((name) => {
    const ctx = { column: name, source };
    const declared = types[name];
    // A declared type converts from the text form, so e.g. "007" stays "007" when categorical.
    const raw = declared ? asStrings(records, name, tokens) : inferColumn(records, name, tokens);
    if (declared) return convertColumn(raw, declared, ctx);
    return raw.type === 'categorical' ? refineCategorical(raw, ctx) : raw;
  });
  return new Frame(names, columns);
}

type Kind = 'number' | 'boolean' | 'date' | 'string';

function kindOf(v: unknown, tokens: ReadonlySet<string>): Kind | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : 'number';
  if (typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : 'date';
  if (typeof v === 'string' && tokens.has(v)) return null;
  return 'string';
}

function inferColumn(
  records: readonly Record<string, unknown>[],
  name: string,
  tokens: ReadonlySet<string>,
): Column {
  let kind: Kind | 'mixed' | null = null;
  for (const r of records) {
    const k = kindOf(r[name], tokens);
    if (k === null || k === kind) continue;
    kind = kind === null ? k : 'mixed';
    if (kind === 'mixed') break;
  }
  const n = records.length;
  if (kind === 'number' || kind === 'date') {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = records[i][name];
      values[i] = kindOf(v, tokens) === null ? Number.NaN : v instanceof Date ? v.getTime() : Number(v);
    }
    return kind === 'number' ? { type: 'numeric', values } : { type: 'datetime', values };
  }
  if (kind === 'boolean') {
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = records[i][name];
      values[i] = typeof v === 'boolean' ? (v ? 1 : 0) : BOOL_MISSING;
    }
    return { type: 'boolean', values };
  }
  return asStrings(records, name, tokens);
}

/** Every non-missing value as text, dictionary-encoded. */
function asStrings(
  records: readonly Record<string, unknown>[],
  name: string,
  tokens: ReadonlySet<string>,
): CategoricalColumn {
  const index = new Map<string, number>();
  const codes = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const v = records[i][name];
    if (kindOf(v, tokens) === null) {
      codes[i] = -1;
      continue;
    }
    const s = toText(v);
    let k = index.get(s);
    if (k === undefined) {
      k = index.size;
      index.set(s, k);
    }
    codes[i] = k;
  }
  return dropMissingTokens({ type: 'categorical', codes, dictionary: [...index.keys()] }, tokens);
}

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
