/**
 * Data file formats and how a path maps to one. The extension decides unless the caller says
 * otherwise; an unknown extension is an error that lists what is allowed.
 */
import { extname } from 'node:path';
import { DataError } from '../core/errors.js';

/** A file format the loader reads (TSV and TXT are read as delimited text, `csv`). */
export type DataFormat = 'csv' | 'zip' | 'parquet' | 'json' | 'ndjson';

/** Every {@link DataFormat}, for `data.format` and messages. */
export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'zip', 'parquet', 'json', 'ndjson'];

/** Lower-case extension (with dot) → format. `.txt`/`.tsv` are delimited text, read as CSV. */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.zip': 'zip',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

/** The format of `path` from its extension, or undefined when the extension is not a data format. */
export function formatOfExtension(path: string): DataFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

/** The format to read `path` as: `override` when given (checked), else from the extension. */
export function detectFormat(path: string, override?: string): DataFormat {
  if (override !== undefined) {
    if ((DATA_FORMATS as readonly string[]).includes(override)) return override as DataFormat;
    throw new DataError(
      'unknown_format',
      `Unknown data format "${override}" requested for "${path}"; allowed formats are: ` +
        `${DATA_FORMATS.join(', ')}.`,
    );
  }
  const format = formatOfExtension(path);
  if (format) return format;
  const ext = extname(path) || '(none)';
  const readable = 'CSV/TSV/TXT, ZIP (holding one of the others), Parquet, JSON and NDJSON';
  if (SPREADSHEET_EXTENSIONS.includes(ext.toLowerCase())) {
    throw new DataError(
      'unsupported_format',
      `"${path}" is a spreadsheet workbook (${ext}), which tabflow does not read; it reads ${readable} ` +
        `files. ${SAVE_AS_CSV}`,
    );
  }
  throw new DataError(
    'unknown_extension',
    `Cannot tell the format of "${path}" from its extension ${ext}. Supported extensions are ` +
      `${Object.keys(FORMAT_BY_EXTENSION).join(', ')}. Rename the file or convert it to one of these; if ` +
      'it already is one, set data.format in the config (csv, zip, parquet, json or ndjson).',
  );
}

/** Workbooks people pass by mistake: named, with how to convert, instead of "unknown extension". */
const SPREADSHEET_EXTENSIONS = ['.xlsx', '.xlsm', '.xlsb', '.xls', '.ods', '.numbers'];

/** How to turn a workbook into a file tabflow reads. */
export const SAVE_AS_CSV =
  'Save the sheet as CSV (Excel: File › Save As › "CSV UTF-8"; LibreOffice: File › Save As › "Text CSV"; ' +
  "pandas: pd.read_excel(f).to_csv('data.csv', index=False)) and pass that file.";
