/**
 * The rows one run held out, recomputed from its own config: load → clean → split exactly as
 * training did (every step is deterministic given the config and the seed), then checked against
 * what the run recorded — the data file's sha256 and the part's row-index hash — so a gate that
 * scores two models "on the same held-out rows" can prove they are the same rows.
 */
import { existsSync } from 'node:fs';
import { readRunConfig } from '../artifacts/run-config.js';
import type { MetadataJson } from '../artifacts/run-folder.js';
import { type CleanConfig, DataCleaner, resolveCleanConfig } from '../clean/data-cleaner.js';
import type { CodeOf } from '../core/error-codes.js';
import { DataError } from '../core/errors.js';
import { resolveSections, type SectionResolvers } from '../core/sections.js';
import { type DataConfig, loadOptionsOf, resolveDataConfig } from '../data/data-config.js';
import type { Frame } from '../data/frame.js';
import { DataLoader } from '../data/loader.js';
import { DataSplitter, resolveSplitConfig, type SplitConfig } from '../split/data-splitter.js';

/** The config sections a run's split is rebuilt from: how its data was read, cleaned and split. */
export interface HeldOutConfig {
  data: DataConfig;
  cleaning: CleanConfig;
  split: SplitConfig;
}

const HELD_OUT_SECTIONS: SectionResolvers<HeldOutConfig> = {
  data: resolveDataConfig,
  cleaning: resolveCleanConfig,
  split: resolveSplitConfig,
};

/** The {@link HeldOutConfig} sections of a run folder's config.yaml, resolved. */
export function readHeldOutConfig(dir: string): HeldOutConfig {
  return resolveSections(readRunConfig(dir), HELD_OUT_SECTIONS);
}

/** A part of a run's split. */
export type SplitPart = 'train' | 'val' | 'test';

/** One part of a run's split, rebuilt: its raw features, target, row indices and hashes. */
export interface HeldOutRows {
  part: SplitPart;
  /** Raw (cleaned, unpreprocessed) feature columns of the part: what a client would send. */
  features: Frame;
  y: Float64Array;
  /** Indices into the cleaned frame. */
  rows: Uint32Array;
  dataSha256: string;
  splitHash: string;
}

/** What the run recorded, to check the rebuilt rows against. */
export interface HeldOutExpectation {
  dataSha256?: string;
  /** The recorded row-index hash of each part asked for. */
  splitHashes?: Partial<Record<SplitPart, string>>;
  /**
   * Read the data from this file instead of the config's `data.path`: a copy of the same bytes
   * on this host (a serving node's, fetched from the artifact store); `dataSha256` still checks them.
   */
  file?: string;
}

/** One part of a run's split; see heldOutParts. */
export async function heldOutRows(
  cfg: HeldOutConfig,
  part: SplitPart = 'test',
  expect: HeldOutExpectation = {},
): Promise<HeldOutRows> {
  return (await heldOutParts(cfg, [part], expect))[0];
}

/** Several parts of a run's split from one load → clean → split of its data file. */
export async function heldOutParts(
  cfg: HeldOutConfig,
  parts: readonly SplitPart[],
  expect: HeldOutExpectation = {},
): Promise<HeldOutRows[]> {
  const { path, target } = cfg.data;
  if (!path || !target) {
    throw new DataError(
      'run_without_data',
      path
        ? 'The run config names no target, so its held-out rows cannot be rebuilt; pass --eval-data FILE where a command takes it (models promote, ab conclude)'
        : 'The run was trained from data in memory (its config names no data file), so its held-out rows cannot be rebuilt; pass --eval-data FILE where a command takes it (models promote, ab conclude)',
    );
  }
  const loaded = await DataLoader.load(expect.file ?? path, loadOptionsOf(cfg));
  if (expect.dataSha256 && loaded.report.sha256 !== expect.dataSha256) {
    throw new DataError(
      'data_changed',
      `${expect.file ?? path} has changed since the run was trained (sha256 ${loaded.report.sha256.slice(0, 12)}…, the run ` +
        `recorded ${expect.dataSha256.slice(0, 12)}…), so its ${parts.join('/')} rows cannot be rebuilt; pass --eval-data FILE`,
    );
  }
  const cleaned = new DataCleaner(cfg.cleaning, { decimal: cfg.data.decimal }).clean(loaded.frame, target);
  const split = new DataSplitter(cfg.split).split(cleaned.frame, target);
  const yCol = cleaned.frame.get(target);
  if (yCol.type !== 'numeric') {
    throw new DataError('target_not_numeric', `Target column "${target}" is ${yCol.type}, not numeric`);
  }
  const features = cleaned.frame.drop([target, ...split.dropColumns]);
  return parts.map((part) => {
    const hash = split.report.hashes[part];
    const want = expect.splitHashes?.[part];
    if (want && hash !== want) {
      throw new DataError(
        'split_changed',
        `Rebuilding the ${part} rows of ${path} gave different rows than the run recorded (hash ` +
          `${hash.slice(0, 12)}… vs ${want.slice(0, 12)}…); pass --eval-data FILE`,
      );
    }
    const rows = split[part];
    return {
      part,
      features: features.take(rows),
      y: Float64Array.from(rows, (i) => yCol.values[i]),
      rows,
      dataSha256: loaded.report.sha256,
      splitHash: hash,
    };
  });
}

/**
 * A saved run's TEST rows, rebuilt from its own config.yaml and checked against the data sha256
 * and TEST row hash its metadata recorded. `who` names the caller and `orElse` its alternative
 * in the message for a data file that cannot be found.
 */
export async function runTestRows(
  dir: string,
  meta: MetadataJson,
  o: { code: CodeOf<'DataError'>; who: string; orElse?: string },
): Promise<HeldOutRows> {
  const cfg = readHeldOutConfig(dir);
  if (cfg.data.path && !existsSync(cfg.data.path)) {
    throw new DataError(
      o.code,
      `${o.who} rebuilds the TEST rows of run ${meta.run_id} from its training data ${cfg.data.path}, which ` +
        `cannot be found from ${process.cwd()} (a relative path is relative to where it was trained): run from there` +
        (o.orElse ? `, or ${o.orElse}` : ''),
    );
  }
  const split = meta.split as { hashes?: { test?: string } } | undefined;
  return heldOutRows(cfg, 'test', {
    dataSha256: meta.data.sha256,
    splitHashes: { test: split?.hashes?.test },
  });
}
