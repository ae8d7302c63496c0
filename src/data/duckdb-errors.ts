/**
 * DuckDB error text → DataError a user can act on. DuckDB's messages carry SQL context and long
 * lists of reader options that mean nothing to someone loading a file, so we recognise the cases
 * we know, keep one line of DuckDB's own words for the rest, and attach the original as `cause`.
 */
import { DataError } from '../core/errors.js';
import type { DataFormat } from './format.js';

const RAGGED_RE =
  /CSV Error on Line: (\d+)\s*\nOriginal Line: ([\s\S]*?)\n\s*Expected Number of Columns: (\d+) Found: (\d+)/;
const CONVERT_RE =
  /Error when converting column "((?:[^"]|"")*)"\. Could not convert string "(.*?)" to '(\w+)'/;
const CSV_LINE_RE = /CSV Error on Line: (\d+)/;

export interface CsvConversionFailure {
  column: string;
  value: string;
  line: number;
}

/** A CSV value that does not fit its column's sniffed type, or null for other errors. */
export function csvConversionFailure(err: unknown): CsvConversionFailure | null {
  const m = CONVERT_RE.exec(messageOf(err));
  if (!m) return null;
  const line = CSV_LINE_RE.exec(messageOf(err));
  return { column: m[1].replace(/""/g, '"'), value: m[2], line: line ? Number(line[1]) : 0 };
}

export function isConversionError(err: unknown): boolean {
  return /^Conversion Error|Could not convert|Failed to cast|Unexpected type/.test(messageOf(err));
}

export function translateDuckDbError(err: unknown, path: string, format: DataFormat): DataError {
  if (err instanceof DataError) return err;
  const msg = messageOf(err);
  const ragged = RAGGED_RE.exec(msg);
  let out: DataError;
  if (ragged) {
    const [, line, original, expected, found] = ragged;
    const flat = original.replace(/\s*\n\s*/g, ' ');
    const shown = flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
    out = new DataError(
      'ragged_rows',
      `Line ${line} of "${path}" has ${found} fields but the header has ${expected} (line: ${shown}). ` +
        'Every row needs one field per column: fix that line (a stray delimiter or an unclosed quote ' +
        'is the usual cause), or set the delimiter/quote options if they were detected wrongly.',
    );
  } else if (format === 'parquet') {
    out = new DataError(
      'corrupt_parquet',
      `"${path}" is not a readable Parquet file (${firstLine(msg)}). It may be truncated or not ` +
        'Parquet at all: re-export it, or set the format if the extension is wrong.',
    );
  } else if (format === 'json' || format === 'ndjson') {
    out = new DataError(
      'malformed_json',
      `"${path}" could not be read as ${format === 'json' ? 'JSON' : 'newline-delimited JSON'} ` +
        `(${firstLine(msg)}). Expected an array of objects (or one object per line for .ndjson/.jsonl); ` +
        'fix the file or set the format if the extension is wrong.',
    );
  } else {
    out = new DataError(
      'unreadable_file',
      `"${path}" could not be read as ${format.toUpperCase()} (${firstLine(msg)}). Check the file and ` +
        'the delimiter/quote/header options.',
    );
  }
  out.cause = err;
  return out;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** DuckDB's first line, without its "X Error:" prefix. */
function firstLine(msg: string): string {
  return msg
    .split('\n')[0]
    .replace(/^[A-Za-z ]*Error: /, '')
    .trim();
}
