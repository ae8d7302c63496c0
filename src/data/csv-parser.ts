/**
 * tabflow's own CSV reader: one pass over the bytes, straight into typed columns. Numbers are
 * parsed from bytes while scanning (csv-number.ts) and text is dictionary-encoded from bytes
 * (byte-dictionary.ts). On the 1M-row benchmark this used ~15% less CPU and half the memory of
 * DuckDB plus conversion: DuckDB parses fast, but handing 10 million values over to JS and
 * re-encoding them cost nearly as much again.
 *
 * RFC 4180: fields may be quoted; a doubled quote inside quotes is a literal quote; quoted fields
 * may hold delimiters and newlines; \n and \r\n both end a record; blank lines are skipped. A
 * record with too few or too many fields, a quoted field that never closes, or text after a
 * closing quote is a DataError naming the line.
 *
 * Types: column kinds come from the first rows (numeric when every non-missing value there is a
 * number, else text: see parseCsv); a later value that breaks a numeric column returns that
 * column as `demoted` and the caller parses again with it as text, so text is never rebuilt from
 * numbers.
 */
import { open } from 'node:fs/promises';
import { DataError } from '../core/errors.js';
import { BATCH, type Batch, MissingTokens, NumberSink, type Sink, TextSink } from './csv-columns.js';
import type { CsvHead } from './csv-head.js';
import { parseNumberCommaTrimmed, parseNumberTrimmed, scanNumber } from './csv-number.js';
import type { BytesDecoder } from './encoding.js';
import type { Column } from './frame.js';

/**
 * Bytes per read. 2 MiB parsed as fast as 8 MiB on the 1M-row bench (load-csv.ts) and holds 12 MB
 * less per reading thread (two buffers each).
 */
const CHUNK_BYTES = 2 << 20;
/**
 * No record may be longer: one that is is not a table row (a dump on one line, a quote that never
 * closes in a huge file), and carrying it from chunk to chunk would cost memory without end.
 */
export const MAX_RECORD_BYTES = 64 << 20;
/** Room in front of each chunk for the record carried over from the previous one. */
const HEAD = 1 << 20;
const SAMPLE_ROWS = 20_000;
const LF = 10;
const CR = 13;

export interface CsvParseOptions {
  missingTokens: readonly string[];
  /** Column indexes to read as text whatever they look like (declared types). */
  textColumns: ReadonlySet<number>;
  /** Decoder of text values for a single-byte encoding; null/absent = UTF-8. */
  decoder?: BytesDecoder;
  /** Parse only these bytes of the file (csv-parallel.ts); absent = the whole file. */
  range?: ByteRange;
}

/**
 * A part of the file that starts at a record boundary. Only the first holds the header and the
 * byte order mark; any but the last stops where its bytes end, leaving what follows its last
 * complete record (`tail`) unparsed.
 */
export interface ByteRange {
  start: number;
  end: number;
  last: boolean;
}

const WHOLE_FILE: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY, last: true };

export interface CsvParseResult {
  columns: Column[];
  rows: number;
  /** Numeric columns that met a non-number after sampling: parse again with these as text. */
  demoted: number[];
  /** Decoding as UTF-8: the first text value that was not valid UTF-8, and its column. */
  invalidUtf8?: { column: number; bytes: Uint8Array };
  /** The columns read as text (declared ones and those found holding text). */
  text: number[];
  /**
   * Bytes left after the range's last complete record: 0 when a range that is not the last ended
   * at a record boundary (its split was safe), else the record there crosses the range's end.
   */
  tail: number;
}

export async function parseCsv(path: string, head: CsvHead, opts: CsvParseOptions): Promise<CsvParseResult> {
  const missing = new MissingTokens(opts.missingTokens);
  const text = new Set(opts.textColumns);
  const range = opts.range ?? WHOLE_FILE;
  // No separate sampling pass: every column starts numeric, and a non-number within the first
  // SAMPLE_ROWS rows stops the pass at the end of its batch and starts it again with that column as
  // text. Text columns usually show in the first batch, so that costs ~1,000 rows instead of a
  // 20,000-row sample (on a 1M-row file the sample pass took ~10% of the load, most of it cold JIT).
  // Columns revealing themselves one by one further down could restart it many times: after two
  // restarts one sampling pass settles the rest.
  for (let restarts = 0; ; restarts++) {
    if (restarts === 2) {
      for (const j of await sampleTextColumns(path, head, missing, text, range)) text.add(j);
    }
    const res = await parseOnce(path, head, missing, text, restarts < 2, opts.decoder ?? null, range);
    if (res.early.length === 0) return res;
    for (const j of res.early) text.add(j);
  }
}

/**
 * One pass with the given text columns. With `restartEarly`, a numeric column that meets a
 * non-number before SAMPLE_ROWS is returned in `early` (the pass stopped: the columns are partial).
 */
async function parseOnce(
  path: string,
  head: CsvHead,
  missing: MissingTokens,
  text: ReadonlySet<number>,
  restartEarly: boolean,
  decoder: BytesDecoder,
  range: ByteRange,
): Promise<CsvParseResult & { early: number[] }> {
  const ncols = head.names.length;
  const numeric = head.names.map((_, j) => !text.has(j));
  const demoted = new Set<number>();
  const early: number[] = [];
  const sinks: Sink[] = numeric.map((isNumber, j) =>
    isNumber
      ? new NumberSink(missing, (row) => {
          if (restartEarly && row < SAMPLE_ROWS) early.push(j);
          else demoted.add(j);
        })
      : new TextSink(missing, decoder),
  );
  let rows = 0;
  // The first of several ranges keeps room for the whole file's rows: the others are appended to
  // its columns in place (csv-merge.ts).
  const spare = range.start === 0 && !range.last;
  const tail = await scanRecords(
    path,
    head,
    ncols,
    (bytes, batch) => {
      for (let j = 0; j < ncols; j++) sinks[j].putBatch(bytes, batch, ncols, j, rows);
      rows += batch.count;
      return early.length === 0;
    },
    expectedRows(head, range),
    (capacity) => {
      for (const s of sinks) s.ensure(capacity);
    },
    numeric,
    range,
  );
  const invalid = sinks.findIndex((s) => s instanceof TextSink && s.invalidUtf8 !== null);
  return {
    columns: sinks.map((s) => s.finish(rows, spare)),
    rows,
    text: numeric.flatMap((isNumber, j) => (isNumber ? [] : [j])),
    tail,
    demoted: [...demoted].sort((a, b) => a - b),
    early,
    invalidUtf8:
      invalid < 0
        ? undefined
        : { column: invalid, bytes: (sinks[invalid] as TextSink).invalidUtf8 as Uint8Array },
  };
}

/** Rows to make room for: the whole file's estimate, or a later range's share of it. */
function expectedRows(head: CsvHead, range: ByteRange): number {
  if (range.start === 0) return head.estimatedRows;
  const share = (range.end - range.start) / range.end;
  return Math.ceil(head.estimatedRows * Math.min(1, share));
}

/** Columns (not yet text) holding a non-missing non-number in the first SAMPLE_ROWS rows. */
async function sampleTextColumns(
  path: string,
  head: CsvHead,
  missing: MissingTokens,
  text: ReadonlySet<number>,
  range: ByteRange,
): Promise<number[]> {
  const ncols = head.names.length;
  const found = new Set<number>();
  let seen = 0;
  await scanRecords(
    path,
    head,
    ncols,
    (bytes, batch) => {
      for (let r = 0; r < batch.count; r++) {
        for (let j = 0; j < ncols; j++) {
          const k = r * ncols + j;
          if (text.has(j) || found.has(j) || missing.has(bytes, batch.start[k], batch.end[k])) continue;
          if (Number.isNaN(batch.value[k])) found.add(j);
        }
      }
      seen += batch.count;
      return seen < SAMPLE_ROWS;
    },
    0,
    () => undefined,
    head.names.map((_, j) => !text.has(j)),
    range,
  );
  return [...found];
}

/**
 * Calls `onBatch` with the records after the header, a batch at a time, as fields' byte ranges
 * (quotes removed, doubled quotes undone in place). `onBatch` may return false to stop early.
 * Returns the range's tail (see CsvParseResult).
 */
async function scanRecords(
  path: string,
  head: CsvHead,
  ncols: number,
  onBatch: (bytes: Uint8Array, batch: Batch) => boolean | undefined,
  expectedRows: number,
  reserve: (capacity: number) => void,
  numeric: readonly boolean[],
  range: ByteRange,
): Promise<number> {
  if (head.delimiter.length !== 1 || head.quote.length > 1) {
    throw new DataError(
      'bad_dialect',
      `The CSV delimiter and quote must be single characters (got ${JSON.stringify(head.delimiter)} and ` +
        `${JSON.stringify(head.quote)}).`,
    );
  }
  const first = range.start === 0;
  const scanner = new RecordScanner(path, head, ncols, onBatch, expectedRows, reserve, numeric, first);
  // Double buffering: the next chunk is read (on libuv's thread) into the other buffer while this
  // one is parsed. Each buffer keeps HEAD bytes of room in front of its data, where the incomplete
  // last record of the previous chunk is copied, so a chunk is never copied as a whole.
  let cur: Uint8Array = new Uint8Array(HEAD + CHUNK_BYTES);
  let next: Uint8Array = new Uint8Array(HEAD + CHUNK_BYTES);
  const fh = await open(path, 'r');
  let fileOffset = range.start;
  const readInto = (buf: Uint8Array) =>
    fh.read(buf, HEAD, Math.min(CHUNK_BYTES, range.end - fileOffset), fileOffset);
  let pending = readInto(cur);
  let from = HEAD;
  try {
    let { bytesRead } = await pending;
    fileOffset += bytesRead;
    let filled = HEAD + bytesRead;
    // End of the range: the last read returned nothing. (Not "the buffer holds no new bytes": a
    // record carried over from the previous chunk is not new input, and taking it for some once
    // made a file ending in a record longer than HEAD loop forever.) Only the file's end is final.
    let atEnd = bytesRead === 0;
    for (;;) {
      if (!atEnd) pending = readInto(next);
      const pos = scanner.scan(cur, from, filled, atEnd && range.last);
      if (atEnd || scanner.stopped) return filled - pos;
      ({ bytesRead } = await pending);
      fileOffset += bytesRead;
      atEnd = bytesRead === 0;
      // Carry the incomplete record over in front of the next chunk.
      const tail = filled - pos;
      if (tail > MAX_RECORD_BYTES) throw recordTooLong(path, scanner.nextLine);
      if (tail <= HEAD) {
        next.set(cur.subarray(pos, filled), HEAD - tail);
        [cur, next] = [next, cur];
        from = HEAD - tail;
        filled = HEAD + bytesRead;
      } else {
        // A record longer than HEAD: a buffer with room for it in front of the new bytes.
        const big = new Uint8Array(HEAD + tail + CHUNK_BYTES);
        big.set(cur.subarray(pos, filled), HEAD);
        big.set(next.subarray(HEAD, HEAD + bytesRead), HEAD + tail);
        cur = big;
        from = HEAD;
        filled = HEAD + tail + bytesRead;
      }
    }
  } finally {
    await pending.catch(() => undefined);
    await fh.close();
  }
}

/** The record state machine, synchronous so V8 optimises it as one tight loop. */
class RecordScanner {
  /**
   * 1 once `onBatch` asked to stop. In a typed array, not a boolean field: V8 compiles the scan
   * loop assuming a field that never changed is constant, and the first write deoptimises it.
   */
  private readonly stop = new Uint8Array(1);
  get stopped(): boolean {
    return this.stop[0] === 1;
  }
  private line = 1; // file line of the next record
  /** File line where the next (maybe incomplete) record starts. */
  get nextLine(): number {
    return this.line;
  }
  private headerPending: boolean;
  private bomChecked = false;
  private rows = 0;
  private capacity: number;
  private readonly D: number;
  private readonly Q: number;
  /** 1 when numbers use a decimal comma (data.decimal ','): they skip the '.' fast path. */
  private readonly comma: number;
  private readonly batch: Batch;
  private readonly flags: Uint8Array;
  /** 1 for columns parsed as numbers during the scan. */
  private readonly numeric: Uint8Array;
  /** 1 for the bytes that end an unquoted field: delimiter, \n, \r. */
  private readonly stops = new Uint8Array(256);
  /** Reads a number from a field's bytes, spaces around it allowed (decimal point or comma). */
  private readonly parseTrimmed: typeof parseNumberTrimmed;
  /** What parseRecord found in the record it parsed last. */
  private fieldCount = 0;
  private recordLines = 0;
  private anyDoubled = false;
  /** What closingQuote found inside the quoted field it scanned last. */
  private quotedLines = 0;
  private quotedDoubled = false;

  constructor(
    private readonly path: string,
    head: CsvHead,
    private readonly ncols: number,
    private readonly onBatch: (bytes: Uint8Array, batch: Batch) => boolean | undefined,
    expectedRows: number,
    private readonly reserve: ((capacity: number) => void) | undefined,
    numeric: readonly boolean[],
    first: boolean,
  ) {
    this.D = head.delimiter.charCodeAt(0);
    this.Q = head.quote === '' ? -1 : head.quote.charCodeAt(0);
    this.comma = head.decimal === ',' ? 1 : 0;
    this.parseTrimmed = this.comma === 1 ? parseNumberCommaTrimmed : parseNumberTrimmed;
    // A later range starts at a record boundary, past the header and the byte order mark.
    this.headerPending = head.header && first;
    this.bomChecked = !first;
    this.stops[this.D] = 1;
    this.stops[LF] = 1;
    this.stops[CR] = 1;
    // One spare slot so a record with one field too many can be counted before it is rejected.
    const size = BATCH * ncols + 1;
    this.batch = {
      start: new Int32Array(size),
      end: new Int32Array(size),
      value: new Float64Array(size),
      count: 0,
    };
    this.numeric = new Uint8Array(ncols + 1);
    numeric.forEach((b, j) => {
      this.numeric[j] = b ? 1 : 0;
    });
    this.flags = new Uint8Array(ncols + 1);
    this.capacity = Math.max(1024, expectedRows);
    reserve?.(this.capacity);
  }

  /**
   * Parse every complete record in buf[0, filled) and hand them over in batches; returns where the
   * incomplete tail starts (the caller then moves it, so no batch may outlive this call).
   */
  scan(buf: Uint8Array, from: number, filled: number, final: boolean): number {
    const pos = this.scanRecords(buf, from, filled, final);
    this.flush(buf);
    return pos;
  }

  private flush(buf: Uint8Array): void {
    if (this.batch.count === 0 || this.stop[0] === 1) return;
    if (this.onBatch(buf, this.batch) === false) this.stop[0] = 1;
    this.batch.count = 0;
  }

  private scanRecords(buf: Uint8Array, from: number, filled: number, final: boolean): number {
    let pos = this.skipBom(buf, from, filled, final);
    for (;;) {
      if (pos >= filled) return pos;
      // Blank lines are skipped.
      if (buf[pos] === LF || buf[pos] === CR) {
        if (buf[pos] === CR && pos + 1 >= filled && !final) return pos;
        pos += buf[pos] === CR && buf[pos + 1] === LF ? 2 : 1;
        this.line++;
        continue;
      }
      const recordLine = this.line;
      const end = this.parseRecord(buf, pos, filled, final, recordLine);
      if (end < 0) return pos; // need more bytes: the record is parsed again from its start
      pos = end;
      this.line += this.recordLines;
      if (this.headerPending) {
        this.headerPending = false;
        continue;
      }
      this.acceptRecord(buf, recordLine);
      if (++this.batch.count === BATCH) {
        this.flush(buf);
        if (this.stop[0] === 1) return pos;
      }
    }
  }

  /** Where parsing starts: past a UTF-8 byte order mark at the very start of the file. */
  private skipBom(buf: Uint8Array, from: number, filled: number, final: boolean): number {
    if (this.bomChecked || (filled - from < 3 && !final)) return from;
    this.bomChecked = true;
    const bom = filled - from >= 3 && buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf;
    return bom ? from + 3 : from;
  }

  /**
   * Parse the fields of the record at `pos` into the batch's next slot: returns the index just past
   * it, or -1 when the input ends inside it and more bytes may come. Sets fieldCount, recordLines
   * and anyDoubled.
   */
  private parseRecord(
    buf: Uint8Array,
    pos: number,
    filled: number,
    final: boolean,
    recordLine: number,
  ): number {
    const { D, Q, ncols, numeric } = this;
    const fValue = this.batch.value;
    const fStart = this.batch.start;
    const fEnd = this.batch.end;
    const fFlags = this.flags;
    const base = this.batch.count * ncols;
    let n = 0;
    let anyDoubled = false;
    let p = pos;
    let lines = 0;
    for (;;) {
      if (n > ncols) throw raggedError(this.path, recordLine, countFields(buf, pos, filled, D, Q), ncols);
      if (buf[p] === Q && p < filled) {
        const q = this.closingQuote(buf, p, filled, final, recordLine);
        if (q < 0) return -1;
        lines += this.quotedLines;
        const doubled = this.quotedDoubled;
        fStart[base + n] = p + 1;
        fEnd[base + n] = q;
        fFlags[n] = doubled ? 2 : 1;
        anyDoubled ||= doubled;
        if (numeric[n] === 1) fValue[base + n] = doubled ? Number.NaN : this.parseTrimmed(buf, p + 1, q);
        n++;
        p = q + 1;
        if (p >= filled && !final) return -1;
        if (p < filled) {
          const b = buf[p];
          if (b !== D && b !== LF && b !== CR) throw malformedQuote(this.path, recordLine + lines);
        }
      } else {
        const q = this.plainField(buf, p, filled, base + n, n);
        if (q >= filled && !final) return -1;
        if (q >= filled && numeric[n] === 1) fValue[base + n] = this.parseTrimmed(buf, p, q); // last field of the file
        fStart[base + n] = p;
        fEnd[base + n] = q;
        fFlags[n] = 0;
        n++;
        p = q;
      }
      // After a field: a delimiter, the end of the record, or the end of the input.
      if (p >= filled) break;
      const b = buf[p];
      if (b === D) {
        p++;
        continue;
      }
      if (b === CR) {
        if (p + 1 >= filled && !final) return -1;
        p += buf[p + 1] === LF ? 2 : 1;
      } else p++;
      lines++;
      break;
    }
    this.fieldCount = n;
    this.recordLines = lines;
    this.anyDoubled = anyDoubled;
    return p;
  }

  /**
   * The closing quote of the quoted field opening at buf[p], or -1 when the input ends before it
   * and more bytes may come. Sets quotedLines (newlines inside) and quotedDoubled ("" inside).
   */
  private closingQuote(
    buf: Uint8Array,
    p: number,
    filled: number,
    final: boolean,
    recordLine: number,
  ): number {
    const Q = this.Q;
    let q = p + 1;
    let doubled = false;
    let lines = 0;
    while (q < filled) {
      const b = buf[q];
      if (b === Q) {
        if (q + 1 < filled && buf[q + 1] === Q) {
          doubled = true;
          q += 2;
          continue;
        }
        if (q + 1 >= filled && !final) return -1; // cannot tell a closing quote from "" yet
        this.quotedLines = lines;
        this.quotedDoubled = doubled;
        return q;
      }
      if (b === LF) lines++;
      q++;
    }
    if (final) {
      throw new DataError(
        'unclosed_quote',
        `A quoted field starting on line ${recordLine} of "${this.path}" is never closed. Close the ` +
          'quote, or set the quote option if that character is not a quote in this file.',
      );
    }
    return -1;
  }

  /**
   * The end of the unquoted field starting at buf[p] (a stop byte or the end of the input); a
   * numeric column's value is parsed into the batch slot `k` on the way.
   */
  private plainField(buf: Uint8Array, p: number, filled: number, k: number, n: number): number {
    const { stops } = this;
    let q = p;
    if (this.numeric[n] === 1 && this.comma === 1) {
      while (q < filled && stops[buf[q]] === 0) q++;
      this.batch.value[k] = parseNumberCommaTrimmed(buf, p, q);
    } else if (this.numeric[n] === 1) {
      // Parse while scanning; if the number stops short of the field's end, it is text.
      q = scanNumber(buf, p, filled, this.batch.value, k);
      if (q >= filled || stops[buf[q]] === 0) {
        // Not a plain number: maybe one padded with spaces, else text.
        while (q < filled && stops[buf[q]] === 0) q++;
        this.batch.value[k] = parseNumberTrimmed(buf, p, q);
      }
    } else {
      while (q < filled && stops[buf[q]] === 0) q++;
    }
    return q;
  }

  /** A complete data record in the batch: check its field count, undo doubled quotes, count it. */
  private acceptRecord(buf: Uint8Array, recordLine: number): void {
    const { ncols, numeric } = this;
    if (this.fieldCount !== ncols) throw raggedError(this.path, recordLine, this.fieldCount, ncols);
    // Undo doubled quotes only now: an incomplete record is re-parsed from its raw bytes.
    if (this.anyDoubled) {
      const base = this.batch.count * ncols;
      for (let j = 0; j < ncols; j++) {
        if (this.flags[j] !== 2) continue;
        const k = base + j;
        this.batch.end[k] = unescapeQuotes(buf, this.batch.start[k], this.batch.end[k], this.Q);
        if (numeric[j] === 1)
          this.batch.value[k] = this.parseTrimmed(buf, this.batch.start[k], this.batch.end[k]);
      }
    }
    if (this.rows === this.capacity) {
      this.capacity = Math.ceil(this.capacity * 1.5);
      this.reserve?.(this.capacity);
    }
    this.rows++;
  }
}

function malformedQuote(path: string, line: number): DataError {
  return new DataError(
    'malformed_quote',
    `Line ${line} of "${path}" has text after a closing quote (a quote inside ` +
      'a quoted field must be doubled: ""). Fix that line, or set the quote option.',
  );
}

/** Undo doubled quotes in buf[start, end) in place; returns the new end. */
function unescapeQuotes(buf: Uint8Array, start: number, end: number, Q: number): number {
  let w = start;
  for (let r = start; r < end; r++) {
    buf[w++] = buf[r];
    if (buf[r] === Q) r++;
  }
  return w;
}

/** Fields of the record at `start` (for the too-many-fields message). */
function countFields(buf: Uint8Array, start: number, end: number, D: number, Q: number): number {
  let n = 1;
  let inQuotes = false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === Q) inQuotes = !inQuotes;
    else if (!inQuotes && b === D) n++;
    else if (!inQuotes && (b === LF || b === CR)) break;
  }
  return n;
}

function recordTooLong(path: string, line: number): DataError {
  return new DataError(
    'record_too_long',
    `The record starting on line ${line} of "${path}" is longer than ` +
      `${MAX_RECORD_BYTES.toLocaleString('en')} bytes (64 MiB), the limit for one row. Check that the ` +
      'file has one record per line and that every quoted field is closed.',
  );
}

function raggedError(path: string, line: number, found: number, expected: number): DataError {
  return new DataError(
    'ragged_rows',
    `Line ${line} of "${path}" has ${found} fields but the header has ${expected}. Every row needs ` +
      'one field per column: fix that line (a stray delimiter or an unclosed quote is the usual ' +
      'cause), or set the delimiter/quote options if they were detected wrongly.',
  );
}
