/**
 * Read a CSV, Parquet, JSON or NDJSON file through DuckDB into typed columns (still "raw": the
 * loader applies missing tokens, declared types and string refinement afterwards).
 *
 * CSV: we fix the dialect and header ourselves (csv-head.ts), let DuckDB's sniffer infer column
 * types from a sample, then read with those types pinned so structural problems (ragged rows)
 * raise errors. A value later in the file that does not fit its sampled type (e.g. "n/a" in a
 * numeric column after 20,000 clean rows) demotes that column to text and the read is retried.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type CsvHead, readCsvHead } from './csv-head.js';
import { type ColumnPlan, type ReadResult, readColumns } from './duckdb-columns.js';
import { csvConversionFailure, isConversionError, translateDuckDbError } from './duckdb-errors.js';
import { planColumn } from './duckdb-types.js';
import type { ColumnType } from './frame.js';
import { sqlString, sqlStringList } from './sql.js';

export type FileFormat = 'csv' | 'parquet' | 'json' | 'ndjson';

export interface ReadOptions {
  delimiter?: string;
  quote?: string;
  header?: boolean;
  missingTokens: readonly string[];
  /** Declared types; those columns are read as text (CSV) so conversion sees the raw values. */
  types: Readonly<Record<string, ColumnType>>;
}

export interface RawTable extends ReadResult {
  names: string[];
}

export async function readWithDuckDb(path: string, format: FileFormat, opts: ReadOptions): Promise<RawTable> {
  // The CSV head check needs no DuckDB; do it first so empty files fail fast.
  const head = format === 'csv' ? await readCsvHead(path, opts) : null;
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    if (head) return await readCsv(con, path, head, opts);
    return await readOther(con, path, format as Exclude<FileFormat, 'csv'>, opts);
  } catch (err) {
    throw translateDuckDbError(err, path, format);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

async function readCsv(
  con: DuckDBConnection,
  path: string,
  head: CsvHead,
  opts: ReadOptions,
): Promise<RawTable> {
  const names = head.names;
  const dialect =
    `delim=${sqlString(head.delimiter)}, quote=${sqlString(head.quote)}, escape=${sqlString(head.quote)}, ` +
    `header=${head.header}, nullstr=${sqlStringList(opts.missingTokens)}`;
  let sniffed: { types: string[]; formats: string };
  try {
    sniffed = await sniffCsv(con, path, dialect);
  } catch (err) {
    // The sniffer gives up on badly ragged files; a plain all-text read says which line is wrong.
    await con.run(
      `SELECT * FROM ${csvSource(
        path,
        dialect,
        names,
        names.map(() => 'VARCHAR'),
        '',
      )}`,
    );
    throw err;
  }
  // A decimal comma is not DuckDB's grammar ("1.234,5"): read text, and the loader's type
  // refinement parses it with the same rules as tabflow's own reader.
  const asText = (n: string) => opts.types[n] !== undefined || head.decimal === ',';
  const types = names.map((n, j) => (asText(n) ? 'VARCHAR' : (sniffed.types[j] ?? 'VARCHAR')));
  for (;;) {
    const from = `FROM ${csvSource(path, dialect, names, types, sniffed.formats)}`;
    const plans = names.map((n, j) => planColumn(n, types[j]));
    try {
      return { names, ...(await readColumns(con, from, plans, head.estimatedRows)) };
    } catch (err) {
      const bad = csvConversionFailure(err);
      const j = bad ? names.indexOf(bad.column) : -1;
      if (j < 0 || types[j] === 'VARCHAR') throw err;
      types[j] = 'VARCHAR';
    }
  }
}

async function sniffCsv(
  con: DuckDBConnection,
  path: string,
  dialect: string,
): Promise<{ types: string[]; formats: string }> {
  const reader = await con.runAndReadAll(
    `SELECT Columns, DateFormat, TimestampFormat FROM sniff_csv(${sqlString(path)}, ${dialect})`,
  );
  const row = reader.getRowObjectsJS()[0] as {
    Columns: { name: string; type: string }[];
    DateFormat: string | null;
    TimestampFormat: string | null;
  };
  let formats = '';
  if (row.DateFormat) formats += `, dateformat=${sqlString(row.DateFormat)}`;
  if (row.TimestampFormat) formats += `, timestampformat=${sqlString(row.TimestampFormat)}`;
  return { types: row.Columns.map((c) => c.type), formats };
}

function csvSource(path: string, dialect: string, names: string[], types: string[], formats: string): string {
  const columns = names.map((n, j) => `${sqlString(n)}: ${sqlString(types[j])}`).join(', ');
  return `read_csv(${sqlString(path)}, auto_detect=false, ${dialect}, columns={${columns}}${formats})`;
}

async function readOther(
  con: DuckDBConnection,
  path: string,
  format: Exclude<FileFormat, 'csv'>,
  opts: ReadOptions,
): Promise<RawTable> {
  const p = sqlString(path);
  const jsonFormat = sqlString(format === 'json' ? 'auto' : 'newline_delimited');
  // JSON types come from a sample too; on a late misfit, infer from the whole file instead.
  const sources =
    format === 'parquet'
      ? [`read_parquet(${p})`]
      : [`read_json(${p}, format=${jsonFormat})`, `read_json(${p}, format=${jsonFormat}, sample_size=-1)`];
  for (let attempt = 0; ; attempt++) {
    const source = sources[attempt];
    try {
      const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      const rows = described.getRowObjectsJS() as { column_name: string; column_type: string }[];
      const names = rows.map((r) => r.column_name);
      const plans: ColumnPlan[] = rows.map((r) =>
        planColumn(r.column_name, r.column_type, opts.types[r.column_name] === 'categorical'),
      );
      return { names, ...(await readColumns(con, `FROM ${source}`, plans)) };
    } catch (err) {
      if (attempt + 1 >= sources.length || !isConversionError(err)) throw err;
    }
  }
}
