/**
 * Writers for batch predictions: CSV, JSON (one array), NDJSON and Parquet, chunk by chunk into a
 * temporary file that is renamed into place only when complete (a reader never sees half a file).
 * Parquet goes through NDJSON and DuckDB's COPY, the one Parquet writer in the stack.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

export const OUTPUT_FORMATS = ['csv', 'json', 'ndjson', 'parquet'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function outputFormat(path: string): OutputFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if (ext === 'jsonl') return 'ndjson';
  if ((OUTPUT_FORMATS as readonly string[]).includes(ext)) return ext as OutputFormat;
  throw new UsageError(
    'bad_output',
    `--out ${path}: cannot write "${ext || '(no extension)'}" files; use .csv, .json, .ndjson or .parquet`,
  );
}

export type Cell = string | number | boolean | null;

/** Rows go in as column-major chunks: `cells[c][i]` is column c of row i. */
export interface PredictionWriter {
  write(cells: readonly (readonly Cell[])[], rows: number): void;
  /** Move the finished file into place. */
  finish(): Promise<void>;
  /** Remove the temporary file (on error). */
  abort(): void;
}

export function createWriter(path: string, columns: readonly string[]): PredictionWriter {
  const format = outputFormat(path);
  const target = resolve(path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const textTmp = format === 'parquet' ? `${tmp}.ndjson` : tmp;
  const fd = openSync(textTmp, 'w');
  let first = true;
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  if (format === 'csv') writeSync(fd, `${columns.map(csvCell).join(',')}\n`);
  if (format === 'json') writeSync(fd, '[');
  return {
    write(cells, rows) {
      const lines: string[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        if (format === 'csv') {
          let s = '';
          for (let c = 0; c < columns.length; c++) s += (c ? ',' : '') + csvCell(cells[c][i]);
          lines[i] = s;
        } else {
          const o: Record<string, Cell> = {};
          for (let c = 0; c < columns.length; c++) o[columns[c]] = jsonCell(cells[c][i]);
          lines[i] = JSON.stringify(o);
        }
      }
      if (!rows) return;
      const sep = format === 'json' ? ',\n' : '\n';
      const lead = format === 'json' ? (first ? '\n' : ',\n') : '';
      writeSync(fd, lead + lines.join(sep) + (format === 'json' ? '' : '\n'));
      first = false;
    },
    async finish() {
      if (format === 'json') writeSync(fd, first ? ']\n' : '\n]\n');
      close();
      if (format === 'parquet') {
        await ndjsonToParquet(textTmp, tmp, columns);
        rmSync(textTmp, { force: true });
      }
      renameSync(tmp, target);
    },
    abort() {
      close();
      rmSync(textTmp, { force: true });
      rmSync(tmp, { force: true });
    },
  };
}

function csvCell(v: Cell): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function jsonCell(v: Cell): Cell {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

async function ndjsonToParquet(src: string, dst: string, columns: readonly string[]): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const lit = (p: string) => `'${p.replace(/'/g, "''")}'`;
  const ident = (c: string) => `"${c.replace(/"/g, '""')}"`;
  try {
    // Keep the column order of the other formats (read_json_auto would too, but be explicit).
    await con.run(
      `COPY (SELECT ${columns.map(ident).join(', ')} FROM read_json_auto(${lit(src)}, ` +
        `format = 'newline_delimited')) TO ${lit(dst)} (FORMAT parquet)`,
    );
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
