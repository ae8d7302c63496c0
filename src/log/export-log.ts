/**
 * Export the prediction log to .csv, .json, .ndjson or .parquet. CSV and Parquet get one column
 * per input feature (named after it, `input_<name>` if that clashes with a log column) and the
 * issue lists as JSON text; JSON and NDJSON keep the nested shape of `readLog`.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { UsageError } from '../core/errors.js';
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

export async function exportLog(db: Database.Database, out: string, q: LogQuery = {}): Promise<number> {
  const ext = extname(out).toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(ext)) {
    throw new UsageError(
      'bad_export',
      `--export ${out}: unknown format "${ext || '(none)'}"; expected one of ${EXPORT_FORMATS.join(', ')}`,
    );
  }
  if (ext === '.parquet') return exportParquet(db, out, q);
  const featureNames = ext === '.csv' ? collectFeatureNames(db, q) : [];
  const w = createWriteStream(out);
  let n = 0;
  const write = (s: string) => (w.write(s) ? Promise.resolve() : waitDrain(w));
  if (ext === '.json') await write('[');
  if (ext === '.csv') await write(`${csvHeader(featureNames).map(csvCell).join(',')}\n`);
  for (const r of readLog(db, q)) {
    if (ext === '.csv') await write(`${flatRow(r, featureNames).map(csvCell).join(',')}\n`);
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

/** Feature names in first-seen order over the selected rows (one cheap pass in SQL). */
function collectFeatureNames(db: Database.Database, q: LogQuery): string[] {
  const names = new Set<string>();
  for (const r of readLog(db, q)) for (const k of Object.keys(r.features)) names.add(k);
  return [...names];
}

function featureColumn(name: string): string {
  return (FIXED as readonly string[]).includes(name) || name === 'warnings' || name === 'errors'
    ? `input_${name}`
    : name;
}

function csvHeader(featureNames: string[]): string[] {
  return [...FIXED, ...featureNames.map(featureColumn), 'warnings', 'errors'];
}

function flatRow(r: LogRecord, featureNames: string[]): unknown[] {
  return [
    ...FIXED.map((k) => r[k]),
    ...featureNames.map((k) => r.features[k]),
    r.warnings.length ? JSON.stringify(r.warnings) : '',
    r.errors.length ? JSON.stringify(r.errors) : '',
  ];
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Flat NDJSON in a temp folder, then DuckDB's built-in Parquet writer. */
async function exportParquet(db: Database.Database, out: string, q: LogQuery): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-log-'));
  try {
    const tmp = join(dir, 'log.ndjson');
    const featureNames = collectFeatureNames(db, q);
    const header = csvHeader(featureNames);
    const w = createWriteStream(tmp);
    let n = 0;
    for (const r of readLog(db, q)) {
      const row = flatRow(r, featureNames);
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
