/**
 * MLflow scoring-protocol bodies (`POST /invocations`) → records, so MLflow clients work
 * unchanged: `dataframe_split` ({columns, data, index?}), `dataframe_records` (list of records),
 * `instances` and `inputs` (list of records, list of positional rows, or {column: values}).
 * Positional rows follow the model's feature order.
 */
import { badRequest } from './request-error.js';
import { checkRecords, describe, type InputRecord } from './request-records.js';

const KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/** The records of an MLflow scoring body; positional rows take `featureOrder`. */
export function mlflowRecords(body: unknown, featureOrder: readonly string[]): InputRecord[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(
      'body',
      'wrong_type',
      `The body is ${describe(body)}; expected an object with one of ${KEYS.join(', ')}`,
    );
  }
  const obj = body as Record<string, unknown>;
  const present = KEYS.filter((k) => Object.hasOwn(obj, k));
  const extra = Object.keys(obj).filter((k) => !(KEYS as readonly string[]).includes(k) && k !== 'params');
  if (present.length !== 1 || extra.length) {
    throw badRequest(
      'body',
      'bad_format',
      `The body must hold exactly one of ${KEYS.join(', ')} (and optionally params); ` +
        `got ${
          Object.keys(obj)
            .map((k) => JSON.stringify(k))
            .join(', ') || 'no keys'
        }`,
    );
  }
  const key = present[0];
  const value = obj[key];
  if (key === 'dataframe_split') return splitRecords(value, featureOrder);
  if (key === 'dataframe_records') {
    if (!Array.isArray(value))
      throw badRequest(key, 'wrong_type', `${key} must be a list of records, got ${describe(value)}`);
    return checkRecords(value, key);
  }
  return tensorRecords(value, key, featureOrder);
}

function splitRecords(value: unknown, featureOrder: readonly string[]): InputRecord[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(
      'dataframe_split',
      'wrong_type',
      `dataframe_split must be {columns, data}, got ${describe(value)}`,
    );
  }
  const { columns, data } = value as { columns?: unknown; data?: unknown };
  const cols = columns === undefined ? featureOrder : columns;
  if (!Array.isArray(cols) || !cols.every((c) => typeof c === 'string')) {
    throw badRequest(
      'dataframe_split.columns',
      'wrong_type',
      'dataframe_split.columns must be a list of column names',
    );
  }
  if (!Array.isArray(data)) {
    throw badRequest(
      'dataframe_split.data',
      'wrong_type',
      `dataframe_split.data must be a list of rows, got ${describe(data)}`,
    );
  }
  return checkRecords(rowsToRecords(data, cols as string[], 'dataframe_split.data'), 'dataframe_split.data');
}

function tensorRecords(value: unknown, key: string, featureOrder: readonly string[]): InputRecord[] {
  if (Array.isArray(value)) {
    if (value.length && value.every((r) => Array.isArray(r)))
      return checkRecords(rowsToRecords(value, featureOrder, key), key);
    return checkRecords(value, key);
  }
  if (value !== null && typeof value === 'object') {
    // Columnar: {column: [v0, v1, ...]}.
    const cols = Object.entries(value as Record<string, unknown>);
    const n = cols.length && Array.isArray(cols[0][1]) ? (cols[0][1] as unknown[]).length : -1;
    for (const [name, vals] of cols) {
      if (!Array.isArray(vals) || vals.length !== n) {
        throw badRequest(
          `${key}.${name}`,
          'wrong_shape',
          `${key} in column form needs lists of equal length; "${name}" is not`,
        );
      }
    }
    if (n <= 0) throw badRequest(key, 'no_rows', `${key} holds no rows`);
    const rows: unknown[][] = [];
    for (let i = 0; i < n; i++) rows.push(cols.map(([, vals]) => (vals as unknown[])[i]));
    return checkRecords(
      rowsToRecords(
        rows,
        cols.map(([c]) => c),
        key,
      ),
      key,
    );
  }
  throw badRequest(
    key,
    'wrong_type',
    `${key} must be a list of records or rows, or an object of columns; got ${describe(value)}`,
  );
}

function rowsToRecords(rows: unknown[], columns: readonly string[], where: string): InputRecord[] {
  if (columns.includes('__proto__'))
    throw badRequest(where, 'bad_column_name', 'A column may not be called "__proto__"');
  return rows.map((row, i) => {
    if (!Array.isArray(row))
      throw badRequest(`${where}[${i}]`, 'wrong_type', `${where}[${i}] is ${describe(row)}; expected a list`);
    if (row.length !== columns.length) {
      throw badRequest(
        `${where}[${i}]`,
        'wrong_width',
        `${where}[${i}] has ${row.length} values but there are ${columns.length} columns (${columns.join(', ')})`,
      );
    }
    const rec: InputRecord = {};
    columns.forEach((c, j) => {
      rec[c] = row[j];
    });
    return rec;
  });
}
