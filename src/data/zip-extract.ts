/**
 * Pick the data file inside a ZIP and extract it to a temporary file (DuckDB reads files, not
 * streams). Guards against zip bombs: caps on the number of entries, on the uncompressed size and
 * on the compression ratio, checked against the directory before anything is inflated and again
 * while bytes flow (the directory can lie; yauzl also stops an entry that outgrows its declared
 * size). yauzl rejects unsafe entry names (absolute paths, `..`), and we write under a fresh temp
 * dir using only the base name.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DataError } from '../core/errors.js';
import { type DataFormat, formatOfExtension, SAVE_AS_CSV } from './format.js';

export const DEFAULT_MAX_ZIP_ENTRIES = 10_000;
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 4 * 1024 ** 3;
/**
 * Apache POI's default (its MIN_INFLATE_RATIO of 0.01). Real CSVs compress 4-10x (the bundled
 * examples: 4.0-8.4x with zip -9), sparse one-hot exports up to ~50x; a bomb compresses by
 * hundreds or thousands.
 */
export const DEFAULT_MAX_COMPRESSION_RATIO = 100;
/** The ratio is only judged past this many uncompressed bytes: a tiny file may compress well. */
export const RATIO_GRACE_BYTES = 1 << 20;

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  /** Uncompressed bytes per compressed byte; null = no cap. */
  maxCompressionRatio: number | null;
}

export interface ExtractedEntry {
  /** Temporary path of the extracted file. */
  file: string;
  /** Name of the entry inside the archive. */
  entry: string;
  format: Exclude<DataFormat, 'zip'>;
  /** Removes the temporary file and its folder. */
  cleanup(): Promise<void>;
}

export async function extractDataEntry(
  zipPath: string,
  wanted: string | undefined,
  limits: ZipLimits,
): Promise<ExtractedEntry> {
  const zip = await openZip(zipPath);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new DataError(
        'zip_too_many_entries',
        `"${zipPath}" holds ${zip.entryCount.toLocaleString('en')} entries, more than the limit of ` +
          `${limits.maxEntries.toLocaleString('en')} (data.max_zip_entries). Zip only the data file, or ` +
          'raise data.max_zip_entries if the archive is trusted.',
      );
    }
    const entries = await listEntries(zip, zipPath);
    const entry = chooseEntry(zipPath, entries, wanted);
    const format = formatOfExtension(entry.fileName) as Exclude<DataFormat, 'zip'>;
    checkDeclaredSize(zipPath, entry, limits);
    const dir = await mkdtemp(join(tmpdir(), 'tabflow-zip-'));
    const cleanup = () => rm(dir, { recursive: true, force: true });
    const file = join(dir, basename(entry.fileName));
    try {
      await extractTo(zip, entry, file, zipPath, limits);
    } catch (err) {
      await cleanup();
      throw err;
    }
    return { file, entry: entry.fileName, format, cleanup };
  } finally {
    zip.close();
  }
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(corrupt(path, err));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile, path: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', (err: Error) => reject(corrupt(path, err)));
    zip.readEntry();
  });
}

/** Folders, macOS resource forks and hidden files are never the data. */
function isCandidate(name: string): boolean {
  const base = basename(name);
  return !name.endsWith('/') && !name.startsWith('__MACOSX/') && !base.startsWith('.');
}

function chooseEntry(path: string, entries: yauzl.Entry[], wanted: string | undefined): yauzl.Entry {
  const files = entries.filter((e) => isCandidate(e.fileName));
  const listing = files.map((e) => e.fileName).join(', ') || '(no files)';
  if (wanted !== undefined) {
    const hit = files.find((e) => e.fileName === wanted) ?? uniqueByBase(files, wanted);
    if (!hit) {
      throw new DataError(
        'zip_entry_not_found',
        `"${path}" has no entry named "${wanted}" (data.zip_entry). Its files are: ${listing}.`,
      );
    }
    const f = formatOfExtension(hit.fileName);
    if (!f || f === 'zip') {
      throw new DataError(
        'zip_entry_not_data',
        `Entry "${wanted}" in "${path}" is not a data file (.csv, .tsv, .txt, .parquet, .pq, .json, ` +
          '.ndjson or .jsonl); choose another entry with data.zip_entry in the config.',
      );
    }
    return hit;
  }
  const data = files.filter((e) => {
    const f = formatOfExtension(e.fileName);
    return f !== undefined && f !== 'zip';
  });
  if (data.length === 1) return data[0];
  if (data.length === 0) {
    throw new DataError(
      'zip_no_data_file',
      `"${path}" contains no data file (.csv, .tsv, .txt, .parquet, .pq, .json, .ndjson, .jsonl). ` +
        `Its files are: ${listing}. ${excelHint(entries)}Add the data file to the archive, or name an ` +
        'entry with data.zip_entry in the config.',
    );
  }
  throw new DataError(
    'zip_several_data_files',
    `"${path}" contains ${data.length} data files: ${data.map((e) => e.fileName).join(', ')}. Say which ` +
      `one to load with data.zip_entry in the config (data: {zip_entry: "${data[0].fileName}"}).`,
  );
}

/** An .xlsx/.ods workbook is itself a ZIP: say so instead of only listing its XML parts. */
function excelHint(entries: yauzl.Entry[]): string {
  const names = new Set(entries.map((e) => e.fileName));
  if (names.has('xl/workbook.xml'))
    return `It is an Excel workbook (.xlsx), which tabflow does not read: ${SAVE_AS_CSV} `;
  if (names.has('content.xml') && names.has('mimetype')) {
    return `It is an OpenDocument file (.ods), which tabflow does not read: ${SAVE_AS_CSV} `;
  }
  return '';
}

function uniqueByBase(files: yauzl.Entry[], wanted: string): yauzl.Entry | undefined {
  const hits = files.filter((e) => basename(e.fileName) === wanted);
  return hits.length === 1 ? hits[0] : undefined;
}

async function extractTo(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  file: string,
  path: string,
  limits: ZipLimits,
): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (err) {
    throw corrupt(path, err);
  }
  let seen = 0;
  // The directory's size fields can lie; count what actually comes out.
  const maxRatioBytes = ratioCap(entry, limits);
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limits.maxUncompressedBytes) done(tooLarge(path, entry.fileName, limits));
      else if (seen > maxRatioBytes) done(tooCompressed(path, entry, limits, seen));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(stream, guard, createWriteStream(file));
  } catch (err) {
    throw err instanceof DataError ? err : corrupt(path, err);
  }
}

/** Refuse from the central directory alone, before a byte is inflated. */
function checkDeclaredSize(path: string, entry: yauzl.Entry, limits: ZipLimits): void {
  if (entry.uncompressedSize > limits.maxUncompressedBytes) throw tooLarge(path, entry.fileName, limits);
  if (entry.uncompressedSize > ratioCap(entry, limits)) throw tooCompressed(path, entry, limits);
}

/** Uncompressed bytes the ratio cap allows for this entry (never less than the grace). */
function ratioCap(entry: yauzl.Entry, limits: ZipLimits): number {
  if (limits.maxCompressionRatio === null) return Number.POSITIVE_INFINITY;
  return Math.max(RATIO_GRACE_BYTES, limits.maxCompressionRatio * entry.compressedSize);
}

const fmt = (n: number) => n.toLocaleString('en');

function tooLarge(path: string, entry: string, limits: ZipLimits): DataError {
  return new DataError(
    'zip_too_large',
    `Entry "${entry}" in "${path}" unpacks to more than ${fmt(limits.maxUncompressedBytes)} bytes, the ` +
      `limit (data.max_uncompressed_bytes = ${limits.maxUncompressedBytes}). Unzip it yourself and load ` +
      'the file directly, or raise data.max_uncompressed_bytes if the archive is trusted.',
  );
}

/** `inflated`: bytes seen when the stream was stopped; absent when the directory gave it away. */
function tooCompressed(path: string, entry: yauzl.Entry, limits: ZipLimits, inflated?: number): DataError {
  const packed = Math.max(1, entry.compressedSize);
  const what =
    inflated === undefined
      ? `its directory says ${fmt(entry.uncompressedSize)} bytes from ${fmt(entry.compressedSize)} ` +
        `compressed, ${fmt(Math.round(entry.uncompressedSize / packed))} to 1 (refused before unpacking)`
      : `it had inflated ${fmt(inflated)} bytes from ${fmt(entry.compressedSize)} compressed when it ` +
        'was stopped';
  return new DataError(
    'zip_ratio_too_high',
    `Entry "${entry.fileName}" in "${path}" is compressed more than ${limits.maxCompressionRatio} to 1, ` +
      `the limit (data.max_compression_ratio = ${limits.maxCompressionRatio}): ${what}. That is the mark ` +
      'of a zip bomb; real tables compress about 4-50 to 1. Unzip it yourself and load the file ' +
      'directly, or raise data.max_compression_ratio (null for no cap) if the archive is trusted.',
  );
}

function corrupt(path: string, err: unknown): DataError {
  const reason = err instanceof Error ? err.message : String(err);
  const out = new DataError(
    'corrupt_zip',
    `"${path}" is not a readable ZIP archive (${reason}). It may be truncated or not a ZIP at all: ` +
      're-create the archive, or set the format if the extension is wrong.',
  );
  out.cause = err;
  return out;
}
