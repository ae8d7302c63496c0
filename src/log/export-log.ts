/**
 * Export the prediction log to .csv, .json, .ndjson or .parquet. CSV and Parquet get one column
 * per input feature (named after it, `input_<name>` if that clashes with a log column) and the
 * issue lists as JSON text; JSON and NDJSON keep the nested shape of `readLog`.
 *
 * The inputs are the client's: in CSV and Parquet, fields that are not model features (those an
 * `unexpected_field` issue names) never become columns; each row's first `MAX_UNKNOWN_FIELDS` of
 * them go into one `unknown_fields` JSON cell and the rest are counted in `unknown_fields_omitted`.
 * CSV text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
 * escaped as OWASP advises: prefixed with a single quote and quoted.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { PredictionStore } from '../store/prediction-store.js';
import { capUnknownFields, MAX_UNKNOWN_FIELDS, OMITTED_FIELDS, type StoredIssue } from './log-schema.js';
import { type LogQuery, type LogRecord, readLog } from './read-log.js';

export const EXPORT_FORMATS = ['.csv', '.json', '.ndjson', '.parquet'] as const;

const FIXED = [
  'id',
  'time',
  'request_id',
  'row',
  'route',
  'model_name',
  'run_id',
  'model_version',
  'stage',
  'status',
  'prediction',
  'lower',
  'upper',
  'coverage',
  'latency_ms',
] as const;

/** Beyond this many feature columns, further field names are treated as unknown fields. */
export const MAX_FEATURE_COLUMNS = 1000;
const TRAILING = ['unknown_fields', 'unknown_fields_omitted', 'warnings', 'errors'] as const;

/** Write the rows matching `q` to `out` in the format its extension names; returns the rows written. */
export async function exportLog(store: PredictionStore, out: string, q: LogQuery = {}): Promise<number> {
  const ext = extname(out).toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(ext)) {
    throw new UsageError(
      'bad_export',
      `--export ${out}: unknown format "${ext || '(none)'}"; expected one of ${EXPORT_FORMATS.join(', ')}`,
    );
  }
  if (ext === '.parquet') return exportParquet(store, out, q);
  const featureNames = ext === '.csv' ? await collectFeatureNames(store, q) : [];
  const w = createWriteStream(out);
  let n = 0;
  const write = (s: string) => (w.write(s) ? Promise.resolve() : waitDrain(w));
  if (ext === '.json') await write('[');
  if (ext === '.csv') await write(`${csvHeader(featureNames).map(csvCell).join(',')}\n`);
  const columns = new Set(featureNames);
  for await (const r of readLog(store, q)) {
    if (ext === '.csv') await write(`${flatRow(r, featureNames, columns).map(csvCell).join(',')}\n`);
    else if (ext === '.ndjson') await write(`${JSON.stringify(r)}\n`);
    else await write(`${n ? ',' : ''}\n${JSON.stringify(r)}`);
    n++;
  }
  if (ext === '.json') await write('\n]\n');
  await new Promise<void>((res, rej) => {
    w.on('error', rej);
    w.end(res);
  });
  return n;
}

function waitDrain(w: NodeJS.WritableStream): Promise<void> {
  return new Promise((res) => w.once('drain', () => res()));
}

/** A row with at most `MAX_UNKNOWN_FIELDS` unknown fields (rows logged before the cap, too). */
function capped(r: LogRecord): {
  features: Record<string, unknown>;
  warnings: readonly StoredIssue[];
  errors: readonly StoredIssue[];
  issues: StoredIssue[];
} {
  const c = capUnknownFields(r.features, r.warnings as StoredIssue[], r.errors as StoredIssue[]);
  const features =
    c.features !== null && typeof c.features === 'object' && !Array.isArray(c.features)
      ? (c.features as Record<string, unknown>)
      : {};
  const warnings = c.warnings ?? [];
  const errors = c.errors ?? [];
  return { features, warnings, errors, issues: [...warnings, ...errors] };
}

/** Names of the fields an `unexpected_field` issue of this row flags. */
function unknownOf(issues: readonly StoredIssue[]): Set<string> {
  const out = new Set<string>();
  for (const is of issues)
    if (is?.code === 'unexpected_field' && typeof is.field === 'string') out.add(is.field);
  return out;
}

/**
 * Feature columns: the fields that some selected row logged as a model feature (not flagged
 * `unexpected_field`), in first-seen order, at most `MAX_FEATURE_COLUMNS`.
 */
async function collectFeatureNames(store: PredictionStore, q: LogQuery): Promise<string[]> {
  const names = new Set<string>();
  for await (const r of readLog(store, q)) {
    const { features, issues } = capped(r);
    const unknown = unknownOf(issues);
    for (const k of Object.keys(features)) {
      if (names.size >= MAX_FEATURE_COLUMNS) return [...names];
      if (!unknown.has(k)) names.add(k);
    }
  }
  return [...names];
}

function featureColumn(name: string): string {
  return (FIXED as readonly string[]).includes(name) || (TRAILING as readonly string[]).includes(name)
    ? `input_${name}`
    : name;
}

function csvHeader(featureNames: string[]): string[] {
  return [...FIXED, ...featureNames.map(featureColumn), ...TRAILING];
}

function flatRow(r: LogRecord, featureNames: string[], columns: ReadonlySet<string>): unknown[] {
  const { features, warnings, errors, issues } = capped(r);
  const other: Record<string, unknown> = {};
  let kept = 0;
  let omitted = 0;
  for (const is of issues)
    if (is?.code === 'unexpected_field' && is.field === OMITTED_FIELDS) omitted += is.omitted ?? 0;
  for (const [k, v] of Object.entries(features)) {
    if (columns.has(k)) continue;
    if (kept < MAX_UNKNOWN_FIELDS) {
      other[k] = v;
      kept++;
    } else omitted++;
  }
  return [
    ...FIXED.map((k) => r[k]),
    ...featureNames.map((k) => features[k]),
    kept ? JSON.stringify(other) : '',
    omitted,
    warnings.length ? JSON.stringify(warnings) : '',
    errors.length ? JSON.stringify(errors) : '',
  ];
}

/** Text a spreadsheet would evaluate (OWASP, CSV injection); plain numbers written as text are not. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One CSV cell: RFC 4180 quoting, and text that starts like a formula defused with a quote. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' && FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) {
    return `"'${s.replace(/"/g, '""')}"`;
  }
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Flat NDJSON in a temp folder, then DuckDB's built-in Parquet writer. */
async function exportParquet(store: PredictionStore, out: string, q: LogQuery): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-log-'));
  try {
    const tmp = join(dir, 'log.ndjson');
    const featureNames = await collectFeatureNames(store, q);
    const header = csvHeader(featureNames);
    const columns = new Set(featureNames);
    const w = createWriteStream(tmp);
    let n = 0;
    for await (const r of readLog(store, q)) {
      const row = flatRow(r, featureNames, columns);
      const obj: Record<string, unknown> = {};
      header.forEach((h, i) => {
        obj[h] = row[i] === '' ? null : row[i];
      });
      if (!w.write(`${JSON.stringify(obj)}\n`)) await waitDrain(w);
      n++;
    }
    await new Promise<void>((res, rej) => {
      w.on('error', rej);
      w.end(res);
    });
    if (n === 0)
      throw new UsageError('empty_export', 'No log rows match; nothing to write to a Parquet file');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    try {
      const lit = (p: string) => `'${p.replace(/'/g, "''")}'`;
      await con.run(
        `COPY (SELECT * FROM read_json_auto(${lit(tmp)}, format = 'newline_delimited')) ` +
          `TO ${lit(resolve(out))} (FORMAT parquet)`,
      );
    } finally {
      con.closeSync();
      instance.closeSync();
    }
    return n;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
