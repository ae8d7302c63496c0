/**
 * CSV file → raw typed columns with tabflow's own parser (csv-parser.ts): header and dialect
 * from csv-head.ts, declared-type columns read as text, and one more pass when a numeric-looking
 * column turns out to hold text further down the file. The file's sha256 comes from the bytes the
 * passes read (ReadHash), not from a second read.
 */

import { readCsvHead } from './csv-head.js';
import type { CsvParseResult } from './csv-parser.js';
import { parseCsv } from './csv-parser.js';
import type { RawTable } from './duckdb-reader.js';
import { ReadHash } from './file-hash.js';
import type { ColumnType } from './frame.js';

export interface CsvReadOptions {
  delimiter?: string;
  quote?: string;
  header?: boolean;
  missingTokens: readonly string[];
  types: Readonly<Record<string, ColumnType>>;
  /** Hash the file's bytes as they are read (default true; a ZIP's entry needs no hash of its own). */
  hash?: boolean;
}

export interface CsvTable extends RawTable {
  /** sha256 of the file's bytes, hex (unless `hash: false`). */
  sha256?: string;
}

export async function readCsvFile(path: string, opts: CsvReadOptions): Promise<CsvTable> {
  const head = await readCsvHead(path, opts);
  const text = new Set(head.names.flatMap((n, j) => (opts.types[n] ? [j] : [])));
  // One hash across all passes: the last pass reads the file to its end.
  const hash = opts.hash === false ? undefined : new ReadHash();
  let res: CsvParseResult;
  for (;;) {
    res = await parseCsv(path, head, { missingTokens: opts.missingTokens, textColumns: text, hash });
    if (res.demoted.length === 0) break;
    for (const j of res.demoted) text.add(j);
  }
  return { names: head.names, columns: res.columns, rows: res.rows, sha256: hash?.hex() };
}
