/**
 * CSV file → raw typed columns with tabflow's own parser (csv-parser.ts): header and dialect
 * from csv-head.ts, declared-type columns read as text, and one more pass when a numeric-looking
 * column turns out to hold text further down the file.
 */

import { type CsvHead, readCsvHead } from './csv-head.js';
import { parseCsvFile } from './csv-parallel.js';
import type { CsvParseResult } from './csv-parser.js';
import type { RawTable } from './duckdb-reader.js';
import {
  decoderOf,
  firstInvalidUtf8,
  notUtf8Error,
  type TextEncoding,
  type UsedEncoding,
} from './encoding.js';
import type { ColumnType } from './frame.js';
import type { DecimalMark } from './infer.js';
import { clip } from './show-names.js';

export interface CsvReadOptions {
  delimiter?: string;
  quote?: string;
  header?: boolean;
  decimal?: DecimalMark;
  /** auto, utf-8 or a single-byte encoding (UTF-16 files are transcoded before). */
  encoding?: TextEncoding;
  missingTokens: readonly string[];
  types: Readonly<Record<string, ColumnType>>;
  /** Files at least this long are parsed on two threads (default: csv-parallel.ts PARALLEL_MIN_BYTES). */
  csvParallelMinBytes?: number;
}

export interface CsvTable extends RawTable {
  encoding: UsedEncoding;
  /** Why the encoding is not the one asked for (auto's fallback), for the load report. */
  encodingNote?: string;
}

export async function readCsvFile(path: string, opts: CsvReadOptions): Promise<CsvTable> {
  const declared = opts.encoding ?? 'auto';
  const head = await readCsvHead(path, opts);
  const first = await parseAll(path, head, opts);
  const bad = first.invalidUtf8;
  if (head.encoding !== 'utf-8' || !bad) {
    const fellBack = declared === 'auto' && head.encoding !== 'utf-8';
    // The bad byte is in the head, so finding its offset reads at most the first MiB.
    const note = fellBack
      ? notUtf8Note(head.encoding, ` (byte offset ${await firstInvalidUtf8(path)})`)
      : undefined;
    return table(head, first, note);
  }
  const where = `, in column "${clip(head.names[bad.column])}"`;
  if (declared === 'utf-8') throw notUtf8Error(path, await firstInvalidUtf8(path), where);
  // auto: the head was UTF-8 but a value further down is not; read it all again as windows-1252
  // (a second pass, paid only by files that are not UTF-8).
  const again = await readCsvHead(path, { ...opts, encoding: 'windows-1252' });
  const shown = JSON.stringify(clip(decoderOf('windows-1252')?.(bad.bytes) ?? ''));
  return table(again, await parseAll(path, again, opts), notUtf8Note('windows-1252', `${where} (${shown})`));
}

/** Parse with the head's encoding, once more per numeric-looking column that turned out to be text. */
async function parseAll(path: string, head: CsvHead, opts: CsvReadOptions): Promise<CsvParseResult> {
  const text = new Set(head.names.flatMap((n, j) => (opts.types[n] ? [j] : [])));
  const decoder = decoderOf(head.encoding);
  for (;;) {
    const parseOpts = { missingTokens: opts.missingTokens, textColumns: text, decoder };
    const res = await parseCsvFile(path, head, parseOpts, opts.csvParallelMinBytes);
    if (res.demoted.length === 0) return res;
    for (const j of res.demoted) text.add(j);
  }
}

function table(head: CsvHead, res: CsvParseResult, encodingNote?: string): CsvTable {
  return { names: head.names, columns: res.columns, rows: res.rows, encoding: head.encoding, encodingNote };
}

function notUtf8Note(used: UsedEncoding, where = ''): string {
  return `not valid UTF-8${where}: read as ${used} (data.encoding: auto); set data.encoding to pin it`;
}
