/**
 * `migrateStorage`: a project's registry (with its running A/B test), prediction log and runs
 * (with their training data) from one storage to another — typically from the embedded SQLite
 * files of a models folder to PostgreSQL and a shared artifact store — then verified
 * (verify-migration.ts). The target must be empty unless `resume` continues
 * a migration that stopped: the registry is copied in one transaction (all or nothing), the log
 * in batches that a resumed run continues after the last one stored, and publishing a run twice
 * changes nothing.
 */
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import { openArtifactStore } from '../../store/artifacts/open-artifact-store.js';
import { openStores, storeExists } from '../../store/open-stores.js';
import type { PredictionStore } from '../../store/prediction-store.js';
import { parseStoreUri } from '../../store/store-uri.js';
import { EXPERIMENT_FILE } from '../experiment-location.js';
import { type ArtifactsCopy, copyArtifacts, type RunSource } from './copy-artifacts.js';
import {
  carryExperiment,
  checkExperimentArms,
  type ExperimentSide,
  readExperimentText,
} from './copy-experiment.js';
import { copyLog, type TableCopy } from './copy-log.js';
import { copyRegistry } from './copy-registry.js';
import { differingParts, type RegistryDigest, registryDigest } from './digests.js';
import { type Verification, verifyMigration } from './verify-migration.js';

/** Where a project's storage is read from. */
export interface MigrationSource {
  /** The registry's URI (`sqlite:models/registry.sqlite`, `postgres://…`); it must exist. */
  registry: string;
  /** The log's URI; null, or a log that does not exist, is an empty log. */
  log: string | null;
  /** The runs: a models folder (run folders, `run_dir` relative to it) or an artifact store URI. */
  runs: { root: string } | { artifacts: string } | null;
  /**
   * Where the source keeps its running A/B test when it is a models folder: its experiment.json
   * (default: that of `runs.root`); null: the registry's `experiment` row (a store URI).
   */
  experimentFile?: string | null;
}

/** Where it is copied to. */
export interface MigrationTarget {
  registry: string;
  log: string;
  /** The artifact store every registered run is published to; null: runs are not copied. */
  artifacts: string | null;
  /**
   * Where the target keeps the running A/B test: a models folder's experiment.json, or null
   * (default): the registry's `experiment` row, where every host sharing it reads it.
   */
  experimentFile?: string | null;
}

/** A step and how far it is. */
export interface MigrationProgress {
  step: 'registry' | 'predictions' | 'feedback' | 'artifacts' | 'verify';
  done: number;
  total: number;
}

/** How to migrate. */
export interface MigrateOptions {
  from: MigrationSource;
  to: MigrationTarget;
  /** Continue a migration that stopped half-way (the target holds part of this source). */
  resume?: boolean;
  /** Compare only: copy nothing. */
  verifyOnly?: boolean;
  onProgress?: (p: MigrationProgress) => void;
  /** Rows per log batch (default 1000). */
  batch?: number;
}

/** What was copied and verified; locations without passwords. */
export interface MigrationReport {
  from: { registry: string; log: string | null; runs: string | null };
  to: { registry: string; log: string; artifacts: string | null };
  /** Registry records copied now (false: the target held them already, resumed or verify-only). */
  registryCopied: boolean;
  /** The running A/B test written to the target now (false: none runs, or the target held it). */
  experimentCopied: boolean;
  predictions: Pick<TableCopy, 'kept' | 'copied'>;
  feedback: Pick<TableCopy, 'kept' | 'copied'>;
  artifacts: ArtifactsCopy | null;
  verified: Verification;
  seconds: number;
}

/** Copy `o.from` to `o.to` and verify it; see the module comment for the rules. */
export async function migrateStorage(o: MigrateOptions): Promise<MigrationReport> {
  const started = performance.now();
  const s = await openSource(o);
  try {
    const t = await openTarget(o, s);
    try {
      const report = await copyAll(o, s, t);
      const verified = await verifyMigration(s, t, t.artifacts, (done, total) =>
        o.onProgress?.({ step: 'verify', done, total }),
      );
      return { ...report, verified, seconds: (performance.now() - started) / 1000 };
    } finally {
      await t.close();
    }
  } finally {
    await s.close();
  }
}

interface Side extends ExperimentSide {
  log: PredictionStore | null;
  close(): Promise<void>;
}

interface OpenedSource extends Side {
  runs: RunSource | null;
  runsLocation: string | null;
}

interface OpenedTarget extends Side {
  log: PredictionStore;
  artifacts: ArtifactStore | null;
}

async function openSource(o: MigrateOptions): Promise<OpenedSource> {
  const { from, to } = o;
  if (sameStore(from.registry, to.registry) || (from.log !== null && sameStore(from.log, to.log))) {
    throw new UsageError(
      'same_store',
      `--from and --to name the same store (${from.registry === to.registry ? 'registry' : 'log'}): ` +
        'migrate copies a project into another, empty store',
    );
  }
  if (!(await storeExists('registry', from.registry))) {
    throw new UsageError(
      'no_registry',
      `No model registry at ${from.registry}: --from names a models folder (registry.sqlite) or a store URI holding one`,
    );
  }
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const reg = await openStores({ registry: from.registry });
    closers.push(reg.close);
    let log: PredictionStore | null = null;
    if (from.log !== null && (await storeExists('log', from.log))) {
      const l = await openStores({ log: from.log }, { logAccess: 'read' });
      closers.push(l.close);
      log = l.log;
    }
    let runs: RunSource | null = null;
    let runsLocation: string | null = null;
    if (from.runs && 'root' in from.runs) {
      runs = { kind: 'folders', root: from.runs.root };
      runsLocation = from.runs.root;
    } else if (from.runs) {
      const store = await openArtifactStore(from.runs.artifacts, { key: '--from-artifacts' });
      closers.push(() => store.close());
      runs = { kind: 'store', store };
      runsLocation = store.location;
    }
    const experimentFile =
      from.experimentFile !== undefined
        ? from.experimentFile
        : from.runs && 'root' in from.runs
          ? join(from.runs.root, EXPERIMENT_FILE)
          : null;
    return { registry: reg.registry, experimentFile, log, runs, runsLocation, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function sameStore(a: string, b: string): boolean {
  const [x, y] = [parseStoreUri('--from', a), parseStoreUri('--to', b)];
  return x.scheme === y.scheme && x.target === y.target;
}

async function openTarget(o: MigrateOptions, s: OpenedSource): Promise<OpenedTarget> {
  const stores = await openStores(
    { registry: o.to.registry, log: o.to.log },
    { logAccess: o.verifyOnly ? 'read' : 'feedback' },
  );
  let artifacts: ArtifactStore | null = null;
  try {
    if (o.to.artifacts !== null) artifacts = await openArtifactStore(o.to.artifacts, { key: '--artifacts' });
    if (artifacts && !s.runs && !o.verifyOnly) {
      throw new UsageError(
        'missing_option',
        `${s.registry.location} names runs by their folder in a models folder; with a store URI as --from, ` +
          'name the artifact store holding its runs with --from-artifacts <uri>',
      );
    }
  } catch (e) {
    await artifacts?.close();
    await stores.close();
    throw e;
  }
  return {
    registry: stores.registry,
    experimentFile: o.to.experimentFile ?? null,
    log: stores.log,
    artifacts,
    close: async () => {
      await artifacts?.close();
      await stores.close();
    },
  };
}

async function copyAll(
  o: MigrateOptions,
  s: OpenedSource,
  t: OpenedTarget,
): Promise<Omit<MigrationReport, 'verified' | 'seconds'>> {
  const where = {
    from: { registry: s.registry.location, log: s.log?.location ?? null, runs: s.runsLocation },
    to: { registry: t.registry.location, log: t.log.location, artifacts: t.artifacts?.location ?? null },
  };
  const none = { kept: 0, copied: 0 };
  if (o.verifyOnly) {
    return {
      ...where,
      registryCopied: false,
      experimentCopied: false,
      predictions: none,
      feedback: none,
      artifacts: null,
    };
  }
  const held = await registryDigest(t);
  await refuseNonEmpty(o, s, t, held);
  // Checked before anything is copied: an experiment whose arms the registry does not hold.
  const experiment = await readExperimentText(s);
  if (experiment !== '') checkExperimentArms(experiment, await s.registry.listVersions(), s);
  o.onProgress?.({ step: 'registry', done: 0, total: 1 });
  const registryCopied = held.versions + held.events + held.stages + held.aliases === 0;
  if (registryCopied) await copyRegistry(s.registry, t.registry);
  // After the registry (whose versions its arms name); a resumed migration writes it if missing.
  const experimentCopied = experiment !== '' && (await carryExperiment(experiment, t));
  o.onProgress?.({ step: 'registry', done: 1, total: 1 });
  const log = s.log
    ? await copyLog(s.log, t.log, {
        resume: o.resume,
        batch: o.batch,
        onProgress: (p) => o.onProgress?.({ step: p.table, done: p.done, total: p.total }),
      })
    : { predictions: none, feedback: none };
  const artifacts =
    t.artifacts && s.runs
      ? await copyArtifacts(await s.registry.listVersions(), s.runs, t.artifacts, (done, total) =>
          o.onProgress?.({ step: 'artifacts', done, total }),
        )
      : null;
  const counts = (c: TableCopy | typeof none) => ({ kept: c.kept, copied: c.copied });
  return {
    ...where,
    registryCopied,
    experimentCopied,
    predictions: counts(log.predictions),
    feedback: counts(log.feedback),
    artifacts,
  };
}

/**
 * A target holding records is refused, saying what it holds and which flag exists; with
 * `resume`, its registry must be the source's (copied whole by the run that stopped).
 */
async function refuseNonEmpty(
  o: MigrateOptions,
  s: OpenedSource,
  t: OpenedTarget,
  held: RegistryDigest,
): Promise<void> {
  const rows = (await t.log.summary()).rows;
  const actuals = await t.log.feedbackCount();
  const found = [
    held.versions && `${held.versions} versions`,
    held.events && `${held.events} registry events`,
    held.stages && `${held.stages} stages`,
    held.aliases && `${held.aliases} aliases`,
    rows && `${rows} prediction rows`,
    actuals && `${actuals} feedback rows`,
  ].filter(Boolean);
  if (found.length === 0) return;
  if (!o.resume) {
    throw new UsageError(
      'target_not_empty',
      `The target is not empty: ${t.registry.location} holds ${found.join(', ')}. ` +
        'tabflow storage migrate copies into an empty store; to continue a migration of this same source ' +
        'that stopped half-way, run it again with --resume (the target is then checked to hold part of the source)',
    );
  }
  if (held.versions + held.events + held.stages + held.aliases === 0) return;
  // The experiment is written after the registry: a migration that stopped between may lack it.
  const differ = differingParts(await registryDigest(s), held).filter((p) => p !== 'experiment');
  if (differ.length) {
    throw new UsageError(
      'target_not_empty',
      `--resume: the registry at ${t.registry.location} is not the one at ${s.registry.location} ` +
        `(their ${differ.join(', ')} differ): it holds another project, or the source changed since the ` +
        'migration that stopped; migrate into an empty store',
    );
  }
}
