/**
 * DataLoader: the first stage of the training flow. Reads CSV/TSV, ZIP (holding one of the
 * others), Parquet, JSON and NDJSON into a columnar Frame, infers a type per column (overridable),
 * and runs the initial validation. Every problem a user can cause is a DataError that names the
 * file or column and says what to do; DuckDB and yauzl errors never escape raw.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { DataError } from '../core/errors.js';
import { convertColumn, dropMissingTokens, refineCategorical } from './convert.js';
import { readCsvFile } from './csv-reader.js';
import type { RawTable, ReadOptions } from './duckdb-reader.js';
import {
  firstInvalidUtf8,
  notUtf8Error,
  readBom,
  type TextEncoding,
  transcodeToUtf8,
  type UsedEncoding,
} from './encoding.js';
import { sha256File } from './file-hash.js';
import { type DataFormat, detectFormat } from './format.js';
import { type Column, type ColumnType, Frame, missingCount } from './frame.js';
import { DEFAULT_MISSING_TOKENS, type DecimalMark } from './infer.js';
import { clip, showName, showNames } from './show-names.js';
import { checkHasRows, checkNoEmptyColumns, checkTarget, type TargetCleaning } from './validate.js';
import {
  DEFAULT_MAX_COMPRESSION_RATIO,
  DEFAULT_MAX_UNCOMPRESSED_BYTES,
  DEFAULT_MAX_ZIP_ENTRIES,
  extractDataEntry,
} from './zip-extract.js';

/**
 * How `DataLoader.load` reads a file: format, CSV dialect, encoding, declared types, target check
 * and the ZIP guards.
 */
export interface LoadOptions {
  /** Read the file as this format whatever its extension. */
  format?: DataFormat;
  /** CSV field delimiter (default: detected from the header line; tab for .tsv). */
  delimiter?: string;
  /** CSV: whether the first line holds the column names (default true; else column1..N). */
  header?: boolean;
  /** CSV quote character (default `"`; a doubled quote inside quotes is a literal quote). */
  quote?: string;
  /** Strings that mean "missing" (default '', NA, null, NULL, NaN, N/A). */
  missingTokens?: string[];
  /** ZIP: the entry to load when the archive holds several data files. */
  zipEntry?: string;
  /** Declared column types; they replace inference for those columns. */
  types?: Record<string, ColumnType>;
  /** When given: must exist and be numeric (or become numeric through `targetCleaning`). */
  target?: string;
  /**
   * What cleaning will do to the target (training passes cleaning.missing_tokens / types): a
   * target that only needs those to be numeric passes the load check.
   */
  targetCleaning?: TargetCleaning;
  /**
   * Decimal mark of numbers written as text (default '.'). With ',' ("79,99") a '.' is a thousands
   * separator in groups of three ("1.234,5"); see infer.ts DecimalMark.
   */
  decimal?: DecimalMark;
  /**
   * Text encoding of CSV/JSON files (default auto: UTF-8, UTF-16 by its BOM, and windows-1252 with
   * a note in the report when the file is not valid UTF-8); see encoding.ts.
   */
  encoding?: TextEncoding;
  /**
   * Accept columns with no value at all (default false: an error, since nothing can be learned
   * from them). Inference sets it: a batch may legitimately have a column that is all missing.
   */
  allowEmptyColumns?: boolean;
  /**
   * CSV reader: tabflow's own single-pass parser (default) or DuckDB's. Same dialect, missing
   * tokens, inference and errors; on the 1M-row benchmark the own parser took ~15% less CPU and
   * half the memory (bench/load-csv.ts).
   */
  csvEngine?: 'tabflow' | 'duckdb';
  /**
   * tabflow's CSV reader parses files of at least this many bytes on two threads (default
   * Infinity: one thread, see csv-parallel.ts for why). The Frame is the same either way.
   */
  csvParallelMinBytes?: number;
  /**
   * ZIP bomb guards: entries in the archive (default 10,000), bytes the chosen entry unpacks to
   * (default 4 GiB) and its compression ratio (default 100 to 1, judged past 1 MiB; null = no cap).
   */
  maxZipEntries?: number;
  maxUncompressedBytes?: number;
  maxCompressionRatio?: number | null;
}

/** One loaded column: its name, inferred type and missing cells. */
export interface ColumnReport {
  name: string;
  type: ColumnType;
  missing: number;
}

/**
 * What was loaded, as metadata.json records it: the file, its sha256 and size, rows, columns and
 * how the text was read.
 */
export interface LoadReport {
  path: string;
  format: DataFormat;
  /** sha256 of the file's bytes (the archive itself for a ZIP), hex. */
  sha256: string;
  bytes: number;
  rows: number;
  columns: ColumnReport[];
  seconds: number;
  /** Text formats: the encoding the file was read with. */
  encoding?: UsedEncoding;
  /** Set when `auto` fell back from UTF-8: what was found and what was used. */
  encodingNote?: string;
  /** ZIP: the entry that was loaded, and its format. */
  zipEntry?: string;
  entryFormat?: Exclude<DataFormat, 'zip'>;
}

/** A loaded file: its frame and the report of how it was read. */
export interface LoadedData {
  frame: Frame;
  report: LoadReport;
}

/**
 * The seed's loading stage: `DataLoader.load(path, opts)` reads CSV/TSV, ZIP, Parquet, JSON or
 * NDJSON into a Frame with typed columns.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: the seed names this stage `DataLoader.load`.
export class DataLoader {
  static async load(path: string, opts: LoadOptions = {}): Promise<LoadedData> {
    const t0 = performance.now();
    const format = detectFormat(path, opts.format);
    const bytes = await fileSize(path);
    const missingTokens = opts.missingTokens ?? [...DEFAULT_MISSING_TOKENS];
    const types = opts.types ?? {};
    const readOpts = { ...opts, missingTokens, types };
    let raw: TextTable;
    // Hashed on another thread while the file is parsed (see file-hash.ts).
    const sha256 = sha256File(path, bytes);
    sha256.catch(() => undefined);
    let zipInfo: Pick<LoadReport, 'zipEntry' | 'entryFormat'> = {};
    if (format === 'zip') {
      const entry = await extractDataEntry(path, opts.zipEntry, {
        maxEntries: opts.maxZipEntries ?? DEFAULT_MAX_ZIP_ENTRIES,
        maxUncompressedBytes: opts.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES,
        maxCompressionRatio:
          opts.maxCompressionRatio === undefined ? DEFAULT_MAX_COMPRESSION_RATIO : opts.maxCompressionRatio,
      });
      try {
        await checkNotEmpty(entry.file, `${path}!${entry.entry}`);
        raw = await readText(entry.file, entry.format, readOpts);
      } catch (err) {
        throw err instanceof DataError ? renamePath(err, entry.file, `${path}!${entry.entry}`) : err;
      } finally {
        await entry.cleanup();
      }
      zipInfo = { zipEntry: entry.entry, entryFormat: entry.format };
    } else {
      raw = await readText(path, format, readOpts);
    }
    const decimal = opts.decimal ?? '.';
    const frame = finishColumns(raw, path, missingTokens, types, decimal);
    checkHasRows(frame, path);
    const missing = frame.columns.map(missingCount);
    if (!opts.allowEmptyColumns) checkNoEmptyColumns(frame, path, missing);
    if (opts.target !== undefined) checkTarget(frame, path, opts.target, opts.targetCleaning, decimal);
    const report: LoadReport = {
      path,
      format,
      sha256: await sha256,
      bytes,
      rows: frame.nRows,
      columns: frame.names.map((name, j) => ({ name, type: frame.columns[j].type, missing: missing[j] })),
      seconds: (performance.now() - t0) / 1000,
      ...(raw.encoding ? { encoding: raw.encoding } : {}),
      ...(raw.encodingNote ? { encodingNote: raw.encodingNote } : {}),
      ...zipInfo,
    };
    return { frame, report };
  }
}

type TextTable = RawTable & Pick<LoadReport, 'encoding' | 'encodingNote'>;

/**
 * `readTable` with the file's text encoding settled: tabflow's CSV reader decodes single-byte
 * encodings itself; UTF-16 files, and non-UTF-8 files for DuckDB (CSV engine duckdb, JSON), are
 * transcoded to a temporary UTF-8 file first, so only those pay for decoding.
 */
async function readText(
  path: string,
  format: Exclude<DataFormat, 'zip'>,
  opts: LoadOptions & ReadOptions,
): Promise<TextTable> {
  if (format === 'parquet') return readTable(path, format, opts);
  const bom = await readBom(path);
  const enc = bom === 'utf-16le' || bom === 'utf-16be' ? bom : (opts.encoding ?? 'auto');
  const ownCsv = format === 'csv' && opts.csvEngine !== 'duckdb';
  if (enc === 'utf-16le' || enc === 'utf-16be' || (!ownCsv && (enc === 'latin1' || enc === 'windows-1252'))) {
    return { ...(await readTranscoded(path, format, opts, enc)), encoding: enc };
  }
  if (ownCsv) return readCsvFile(path, { ...opts, encoding: enc });
  // DuckDB reads UTF-8 only: check first (a pass over the file, on these slower paths only).
  const bad = await firstInvalidUtf8(path);
  if (bad < 0) return { ...(await readTable(path, format, opts)), encoding: 'utf-8' };
  if (enc === 'utf-8') throw notUtf8Error(path, bad, '');
  return {
    ...(await readTranscoded(path, format, opts, 'windows-1252')),
    encoding: 'windows-1252',
    encodingNote: `not valid UTF-8 (byte offset ${bad}): read as windows-1252 (data.encoding: auto); set data.encoding to pin it`,
  };
}

async function readTranscoded(
  path: string,
  format: Exclude<DataFormat, 'zip'>,
  opts: LoadOptions & ReadOptions,
  from: UsedEncoding,
): Promise<RawTable> {
  const dir = await mkdtemp(join(tmpdir(), 'tabflow-text-'));
  const file = join(dir, basename(path));
  try {
    await transcodeToUtf8(path, from, file);
    return await readTable(file, format, { ...opts, encoding: 'utf-8' });
  } catch (err) {
    throw err instanceof DataError ? renamePath(err, file, path) : err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readTable(
  path: string,
  format: Exclude<DataFormat, 'zip'>,
  opts: LoadOptions & ReadOptions,
): Promise<RawTable> {
  if (format === 'csv' && opts.csvEngine !== 'duckdb')
    return readCsvFile(path, { ...opts, encoding: 'utf-8' });
  // Loaded on first use: DuckDB's native library adds ~40 ms and tens of MB to a CSV-only process.
  const { readWithDuckDb } = await import('./duckdb-reader.js');
  return readWithDuckDb(path, format, opts);
}

/** Missing tokens, declared types, then string refinement (text that is all numbers → numeric, ...). */
function finishColumns(
  raw: RawTable,
  path: string,
  missingTokens: readonly string[],
  types: Readonly<Record<string, ColumnType>>,
  decimal: DecimalMark,
): Frame {
  const seen = new Set<string>();
  for (const n of raw.names) {
    if (seen.has(n)) {
      throw new DataError(
        'duplicate_columns',
        `"${path}" has more than one column named ${showName(n)}; every column needs a unique name.`,
      );
    }
    seen.add(n);
  }
  for (const name of Object.keys(types)) {
    if (!seen.has(name)) {
      throw new DataError(
        'missing_column',
        `Column ${showName(name)} has a declared type (types) but is not in "${path}"; its columns are: ` +
          `${showNames(raw.names)}.`,
      );
    }
  }
  const tokens = new Set(missingTokens);
  const columns = raw.columns.map((col, j): Column => {
    const ctx = { column: clip(raw.names[j]), source: `"${path}"`, decimal };
    const c = col.type === 'categorical' ? dropMissingTokens(col, tokens) : col;
    const declared = types[raw.names[j]];
    if (declared) return convertColumn(c, declared, ctx);
    return c.type === 'categorical' ? refineCategorical(c, ctx) : c;
  });
  return new Frame(raw.names, columns);
}

async function fileSize(path: string): Promise<number> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch {
    throw new DataError(
      'file_not_found',
      `Data file "${path}" does not exist (looked for ${resolve(path)}). Check the path (--data) and ` +
        'the working directory.',
    );
  }
  if (!st.isFile()) {
    throw new DataError('not_a_file', `"${path}" is not a file (a directory?); pass the data file itself.`);
  }
  if (st.size === 0) throw emptyFile(path);
  return st.size;
}

async function checkNotEmpty(file: string, shown: string): Promise<void> {
  if ((await stat(file)).size === 0) throw emptyFile(shown);
}

function emptyFile(path: string): DataError {
  return new DataError(
    'empty_file',
    `Data file "${path}" is empty (0 bytes). Check that the export finished and that you passed the ` +
      'right file.',
  );
}

/** Errors about the extracted temp file should name the archive entry the user knows. */
function renamePath(err: DataError, tmp: string, shown: string): DataError {
  if (!err.message.includes(tmp)) return err;
  const out = new DataError(err.code, err.message.split(tmp).join(shown));
  out.cause = err.cause ?? err;
  return out;
}
