/**
 * The first record of a delimited text file, read by us rather than DuckDB: DuckDB's dialect
 * sniffer can settle on a wrong delimiter for a ragged file (and then reports no error at all),
 * and it silently renames duplicate header names. Here we fix the dialect, take the header names
 * as written, and reject empty files and duplicate names with messages that say what to do.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError } from '../core/errors.js';
import {
  bomEncoding,
  decoderOf,
  firstInvalidUtf8,
  notUtf8Error,
  type TextEncoding,
  type UsedEncoding,
} from './encoding.js';
import type { DecimalMark } from './infer.js';
import { clip, showItems } from './show-names.js';

/** The header (first line) must end within this many bytes: it is read in one piece. */
export const MAX_HEADER_BYTES = 1 << 20;
const HEAD_BYTES = MAX_HEADER_BYTES;
const DELIMITER_CANDIDATES = [',', '\t', ';', '|'];

export interface CsvDialect {
  delimiter: string;
  quote: string;
  header: boolean;
  /** Decimal mark of the numbers (data.decimal). */
  decimal: DecimalMark;
}

export interface CsvHead extends CsvDialect {
  /** Header names as written (or column1..N without a header). */
  names: string[];
  /** Rows guessed from the file size and the line lengths seen in the head (for preallocation). */
  estimatedRows: number;
  /** How the head was decoded: the file's encoding as far as the head tells. */
  encoding: UsedEncoding;
}

export async function readCsvHead(
  path: string,
  opts: {
    delimiter?: string;
    quote?: string;
    header?: boolean;
    decimal?: DecimalMark;
    /** A single-byte encoding, utf-8 or auto (UTF-16 is transcoded before). */
    encoding?: TextEncoding;
  },
): Promise<CsvHead> {
  const fh = await open(path, 'r');
  let text: string;
  let size: number;
  let headBytes: number;
  let encoding: UsedEncoding;
  try {
    size = (await fh.stat()).size;
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    headBytes = bytesRead;
    const bom = bomEncoding(buf) === 'utf-8' ? 3 : 0;
    encoding = await headEncoding(
      path,
      buf.subarray(bom, bytesRead),
      size > bytesRead,
      opts.encoding ?? 'auto',
    );
    const decode = decoderOf(encoding);
    text = decode ? decode(buf.subarray(bom, bytesRead)) : buf.subarray(bom, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    throw new DataError(
      'empty_file',
      `Data file "${path}" is empty (no header, no rows). Check that the export finished and that ` +
        'you passed the right file.',
    );
  }
  const quote = opts.quote ?? '"';
  const header = opts.header ?? true;
  const decimal = opts.decimal ?? '.';
  const delimiter =
    opts.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : detectDelimiter(text, quote, decimal));
  const { fields, complete } = firstRecordOf(text, delimiter, quote);
  // A first line that does not end in the head is cut short: its last name would be wrong, and
  // such a file (a one-line dump, a binary file) is not a table anyway.
  if (!complete && size > headBytes) throw headerTooLong(path, text);
  // Unnamed columns (an empty header field, a trailing delimiter) are called column<N>, 1-based.
  const names = fields.map((f, j) => (header && f !== '' ? f : `column${j + 1}`));
  if (header) checkUniqueNames(path, names);
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const estimatedRows = Math.ceil((size / Math.max(1, headBytes)) * Math.max(1, lines) * 1.02);
  return { delimiter, quote, header, decimal, names, estimatedRows, encoding };
}

/**
 * The encoding the head is in: a declared single-byte one as is; else UTF-8 if the head is valid
 * UTF-8 (up to its last full line: a character may be cut at the end), else windows-1252 under
 * auto, and an error under utf-8.
 */
async function headEncoding(
  path: string,
  head: Buffer,
  cutShort: boolean,
  declared: TextEncoding,
): Promise<UsedEncoding> {
  if (declared === 'latin1' || declared === 'windows-1252') return declared;
  const end = cutShort ? head.lastIndexOf(0x0a) + 1 : head.length;
  if (isUtf8(head.subarray(0, end))) return 'utf-8';
  if (declared === 'utf-8') throw notUtf8Error(path, await firstInvalidUtf8(path), ', in the first lines');
  return 'windows-1252';
}

/** Lines of the head looked at to choose the delimiter. */
const SNIFF_LINES = 20;

/**
 * The delimiter: among the candidates found on the first line, the one that splits every line of
 * the head into as many fields as the header (most fields first); when none is consistent, the one
 * seen most often on the first line (',' when none is). With a decimal comma, ',' is only chosen
 * when nothing else is found: "1,5;2,5" is two fields, not three.
 */
export function detectDelimiter(text: string, quote: string, decimal: DecimalMark = '.'): string {
  const lines = headLines(text, SNIFF_LINES);
  const counts = DELIMITER_CANDIDATES.map((d) => lines.map((line) => countOutsideQuotes(line, d, quote)));
  const usable = DELIMITER_CANDIDATES.map((d, k) => counts[k][0] > 0 && !(decimal === ',' && d === ','));
  let best = -1;
  for (let k = 0; k < DELIMITER_CANDIDATES.length; k++) {
    if (!usable[k] || counts[k].some((c) => c !== counts[k][0])) continue;
    if (best < 0 || counts[k][0] > counts[best][0]) best = k;
  }
  if (best < 0) {
    for (let k = 0; k < DELIMITER_CANDIDATES.length; k++) {
      if (usable[k] && (best < 0 || counts[k][0] > counts[best][0])) best = k;
    }
  }
  return best < 0 ? ',' : DELIMITER_CANDIDATES[best];
}

/** Up to `max` non-blank lines; the last is left out when the text cuts it short. */
function headLines(text: string, max: number): string[] {
  const lines = text.split(/\r?\n|\r/, max + 1);
  const out = lines.length > max ? lines.slice(0, max) : lines.slice(0, -1);
  const kept = out.filter((l) => l.trim() !== '');
  return kept.length ? kept : [lines[0] ?? ''];
}

/**
 * Occurrences of `d` outside quotes on one line. A quoted field spanning lines makes the count of
 * its lines differ: that delimiter is then only chosen by the fallback, as before.
 */
function countOutsideQuotes(line: string, d: string, quote: string): number {
  let n = 0;
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === quote) inQuotes = !inQuotes;
    else if (!inQuotes && ch === d) n++;
  }
  return n;
}

/** Fields of the first record (RFC 4180 quoting: a doubled quote inside quotes is a literal one). */
export function firstRecord(text: string, delimiter: string, quote: string): string[] {
  return firstRecordOf(text, delimiter, quote).fields;
}

/** The first record's fields, and whether a line end closed it within `text`. */
function firstRecordOf(
  text: string,
  delimiter: string,
  quote: string,
): { fields: string[]; complete: boolean } {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === quote && text[i + 1] === quote) {
        field += quote;
        i++;
      } else if (ch === quote) inQuotes = false;
      else field += ch;
    } else if (ch === quote) inQuotes = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      fields.push(field);
      return { fields, complete: true };
    } else field += ch;
  }
  fields.push(field);
  return { fields, complete: false };
}

function headerTooLong(path: string, text: string): DataError {
  return new DataError(
    'header_too_long',
    `The first line of "${path}" is longer than ${MAX_HEADER_BYTES.toLocaleString('en')} bytes (1 MiB), ` +
      `the limit for a header line; it starts ${JSON.stringify(`${text.slice(0, 40)}…`)}. A header lists ` +
      'the column names and ends with a line break: check that this is a delimited text file with one ' +
      'record per line, not a one-line export or a binary file.',
  );
}

function checkUniqueNames(path: string, names: string[]): void {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const dups = [...count].filter(([, c]) => c > 1);
  if (dups.length === 0) return;
  const list = showItems(dups.map(([n, c]) => `"${clip(n)}" (${c} times)`));
  throw new DataError(
    'duplicate_columns',
    `The header of "${path}" repeats column names: ${list}. Every column needs a unique name; rename ` +
      'or remove the duplicates in the header line.',
  );
}
