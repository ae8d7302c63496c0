/**
 * The `data` section of the config (where the data is and how to read it), and the DataLoader
 * options it implies. Training, the rebuild of a run's held-out rows and retraining all load
 * through {@link loadOptionsOf}, so they read a file the same way.
 */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import type { ColumnType } from './frame.js';
import type { LoadOptions } from './loader.js';
import {
  DEFAULT_MAX_COMPRESSION_RATIO,
  DEFAULT_MAX_UNCOMPRESSED_BYTES,
  DEFAULT_MAX_ZIP_ENTRIES,
} from './zip-extract.js';

/** The `data` section's parameters: file, target, format and the ZIP guards. */
export const DATA_PARAMS = {
  path: {
    type: 'string?',
    default: null,
    doc: 'data file (csv, tsv, zip, parquet, json, ndjson); --data overrides',
  },
  target: { type: 'string?', default: null, doc: 'numeric column to predict; --target overrides' },
  format: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'csv', 'zip', 'parquet', 'json', 'ndjson'],
    doc: 'file format; auto = from the extension',
  },
  delimiter: { type: 'string?', default: null, doc: 'CSV delimiter; null = detect' },
  decimal: {
    type: 'enum',
    default: '.',
    values: ['.', ','],
    doc: 'decimal mark of numbers in text files: "," reads 79,99 and 1.234,5 (then "." only groups thousands)',
  },
  encoding: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'utf-8', 'latin1', 'windows-1252', 'utf-16le', 'utf-16be'],
    doc: 'text encoding of CSV/JSON files; auto = UTF-8, UTF-16 by its BOM, windows-1252 (with a note) when not valid UTF-8',
  },
  zip_entry: { type: 'string?', default: null, doc: 'file inside a ZIP to read when it holds several' },
  max_zip_entries: {
    type: 'number',
    default: DEFAULT_MAX_ZIP_ENTRIES,
    integer: true,
    min: 1,
    doc: 'ZIP: refuse an archive with more entries than this (zip bomb guard)',
  },
  max_uncompressed_bytes: {
    type: 'number',
    default: DEFAULT_MAX_UNCOMPRESSED_BYTES,
    integer: true,
    min: 1,
    doc: 'ZIP: refuse an entry that unpacks to more bytes than this (4 GiB; zip bomb guard)',
  },
  max_compression_ratio: {
    type: 'number?',
    default: DEFAULT_MAX_COMPRESSION_RATIO,
    min: 1,
    doc: 'ZIP: refuse an entry compressed more than this many to 1 once past 1 MiB (real tables: ~4-50); null = no cap',
  },
} as const satisfies ParamTable;

/** The resolved `data` section. */
export type DataConfig = ParamsOf<typeof DATA_PARAMS>;

/** Resolve the `data` section: defaults filled, every problem reported as one ConfigError. */
export function resolveDataConfig(raw: unknown, path = 'data'): DataConfig {
  return resolveParams(DATA_PARAMS, raw, path);
}

/**
 * The keys of the `cleaning` section that decide whether the target becomes numeric (the clean
 * stage's CleanConfig has them; it sits above this folder, hence the structural type).
 */
export interface TargetCleaningConfig {
  missing_tokens: readonly string[];
  trim_strings: boolean;
  types: Readonly<Record<string, ColumnType>>;
}

/** The DataLoader options of a config's `data` section (and the target's cleaning). */
export function loadOptionsOf(cfg: { data: DataConfig; cleaning: TargetCleaningConfig }): LoadOptions {
  const d = cfg.data;
  return {
    format: d.format === 'auto' ? undefined : d.format,
    delimiter: d.delimiter ?? undefined,
    decimal: d.decimal,
    encoding: d.encoding,
    zipEntry: d.zip_entry ?? undefined,
    target: d.target ?? undefined,
    // The load check must accept a target that cleaning will make numeric (its advice names these).
    targetCleaning: d.target
      ? {
          missingTokens: cfg.cleaning.missing_tokens,
          trim: cfg.cleaning.trim_strings,
          type: cfg.cleaning.types[d.target],
        }
      : undefined,
    maxZipEntries: d.max_zip_entries,
    maxUncompressedBytes: d.max_uncompressed_bytes,
    maxCompressionRatio: d.max_compression_ratio,
  };
}
