/**
 * The DataLoader options a config implies. Training, the rebuild of a run's held-out rows and
 * retraining all load through this one mapping, so they read a file the same way.
 */
import type { LoadOptions } from '../data/loader.js';
import type { TabflowConfig } from './config.js';

export function loadOptionsOf(cfg: TabflowConfig): LoadOptions {
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
