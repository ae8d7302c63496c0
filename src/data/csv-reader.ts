/**
 * CSV file → raw typed columns with tabflow's own parser (csv-parser.ts): header and dialect
 * from csv-head.ts, declared-type columns read as text, and one more pass when a numeric-looking
 * column turns out to hold text further down the file.
 */

import { readCsvHead } from './csv-head.js';
import type { CsvParseResult } from './csv-parser.js';
import { parseCsv } from './csv-parser.js';
import type { RawTable } from './duckdb-reader.js';
import type { ColumnType } from './frame.js';
import type { DecimalMark } from './infer.js';

export interface CsvReadOptions {
  delimiter?: string;
  quote?: string;
  header?: boolean;
  decimal?: DecimalMark;
  missingTokens: readonly string[];
  types: Readonly<Record<string, ColumnType>>;
}

export async function readCsvFile(path: string, opts: CsvReadOptions): Promise<RawTable> {
  const head = await readCsvHead(path, opts);
  const text = new Set(head.names.flatMap((n, j) => (opts.types[n] ? [j] : [])));
  let res: CsvParseResult;
  for (;;) {
    res = await parseCsv(path, head, { missingTokens: opts.missingTokens, textColumns: text });
    if (res.demoted.length === 0) break;
    for (const j of res.demoted) text.add(j);
  }
  return { names: head.names, columns: res.columns, rows: res.rows };
}
