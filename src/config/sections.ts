/**
 * The config sections that belong to no single stage's folder: where the data is, how training
 * runs (seed, threads, budgets) and where runs are written. config.ts and config-input.ts both
 * compose them.
 */
import type { ParamTable } from '../core/params.js';
import {
  DEFAULT_MAX_COMPRESSION_RATIO,
  DEFAULT_MAX_UNCOMPRESSED_BYTES,
  DEFAULT_MAX_ZIP_ENTRIES,
} from '../data/zip-extract.js';

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

export const TRAINING_PARAMS = {
  seed: {
    type: 'number',
    default: 42,
    integer: true,
    min: 0,
    doc: 'seed of every random step (split, models)',
  },
  candidate_time_budget_s: {
    type: 'number?',
    default: 900,
    min: 0,
    doc: 'seconds one candidate may train before it is stopped (boosting keeps its trees) or failed',
  },
  time_budget_s: {
    type: 'number?',
    default: null,
    min: 0,
    doc: 'seconds for all candidates together; candidates not started in time are recorded as skipped',
  },
  threads: {
    type: 'number?',
    default: null,
    integer: true,
    min: 1,
    doc: 'worker threads for parallel models; null = all cores',
  },
  train_metrics_rows: {
    type: 'number?',
    default: 10000,
    integer: true,
    min: 1,
    doc: 'train-split metrics on a seeded sample of at most this many rows (null = all train rows)',
  },
} as const satisfies ParamTable;

export const OUTPUT_PARAMS = {
  dir: {
    type: 'string',
    default: 'models',
    doc: 'artifact root: runs go to <dir>/runs/<run-id>, the promoted one to <dir>/production',
  },
  promote: {
    type: 'enum',
    default: 'if_none',
    values: ['if_none', 'always', 'never'],
    doc: 'when to publish to <dir>/production: only if none exists yet, always (--promote), or never',
  },
} as const satisfies ParamTable;
