/**
 * Rebuild a lost registry from the folders (`tabflow models rebuild`): every run folder under
 * runs/ is verified and registered again, oldest run first (versions get the numbers they had
 * when every run was registered in order), and each stage link whose release is stamped
 * (registry.json) is restored as that stage's row. A stage's run folder that was deleted is first
 * rewritten from its release copy. Tags come back from metadata.json (`registration`); aliases
 * and the event history cannot be rebuilt.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic } from '../artifacts/atomic.js';
import { readRunConfig } from '../artifacts/run-config.js';
import { METADATA_FILE, type MetadataJson, sha256 } from '../artifacts/run-folder.js';
import { RELEASES } from '../artifacts/stage-link.js';
import { TabflowError, UsageError } from '../core/errors.js';
import { openRegistryForRebuild, REGISTRY_DB_FILE, registryUriOf } from '../store/open-stores.js';
import type { RegistryStore } from '../store/registry-store.js';
import { RUNS_DIR, registryTraces } from './lost-registry.js';
import type { Stage } from './names.js';
import type { ReconcileFix, VersionRecord } from './records.js';
import { type RegistryStamp, readRegistryStamp } from './registry-stamp.js';
import { readVerifiedRun } from './release-folders.js';

export interface RebuildReport {
  registry: string;
  /** Where an unreadable registry file was moved (kept for inspection), else null. */
  moved_aside: string | null;
  name: string | null;
  registered: { version: number; run_id: string; trained_at: string }[];
  stages: { stage: Stage; version: number; release: string }[];
  /** Run folders rewritten from a release copy (their folder under runs/ was gone). */
  restored_runs: string[];
  /** Folders that could not be registered or stages that could not be restored, and why. */
  skipped: { path: string; reason: string }[];
  /** Stage links the first open after the rebuild repaired (a release stamped with another number). */
  reconciled: ReconcileFix[];
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What rebuilding needs of a model registry (declared here so this module does not import it). */
export interface RebuildTarget {
  readonly store: RegistryStore;
  /** Register a run folder as the next version of `name`. */
  register(
    runDir: string,
    o: { name: string; tags?: Record<string, string>; actor?: string },
  ): Promise<VersionRecord>;
  close(): Promise<void>;
}

/**
 * Rebuild `<root>/registry.sqlite` from the folders. Refused (UsageError) when the registry holds
 * versions. `openBare` opens the registry without the lost-registry check and the link repair.
 */
export async function rebuildRegistry(
  root: string,
  openBare: (store: RegistryStore) => Promise<RebuildTarget>,
  openRepaired: () => Promise<RebuildTarget & { readonly reconciled: RebuildReport['reconciled'] }>,
  actor: string,
): Promise<RebuildReport> {
  const file = join(root, REGISTRY_DB_FILE);
  if (!existsSync(root)) throw new UsageError('no_models_dir', `${root} does not exist: nothing to rebuild`);
  const { store, movedAside } = await openRegistryForRebuild(registryUriOf(root));
  const report: RebuildReport = {
    registry: file,
    moved_aside: movedAside,
    name: null,
    registered: [],
    stages: [],
    restored_runs: [],
    skipped: [],
    reconciled: [],
  };
  let reg: RebuildTarget;
  try {
    reg = await openBare(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  try {
    const n = (await store.listVersions()).length;
    if (n > 0) {
      throw new UsageError(
        'registry_not_empty',
        `The model registry ${file} holds ${n} version${n === 1 ? '' : 's'}: nothing to rebuild ` +
          '(rebuild only restores an emptied or unreadable registry)',
      );
    }
    await store.writeTransaction(() => rebuildInto(root, reg, report, actor));
  } finally {
    await reg.close();
  }
  // The normal open now agrees links and rows (a release stamped with an older number is rewritten).
  const after = await openRepaired();
  report.reconciled = after.reconciled;
  await after.close();
  return report;
}

async function rebuildInto(
  root: string,
  reg: RebuildTarget,
  report: RebuildReport,
  actor: string,
): Promise<void> {
  const traces = registryTraces(root);
  const stamps = new Map<string, { stamp: RegistryStamp; release: string }>();
  for (const release of traces.releases) {
    const stamp = safeStamp(join(root, RELEASES, release), report);
    if (stamp && !stamps.has(stamp.run_id)) stamps.set(stamp.run_id, { stamp, release });
  }
  const linked = traces.links.flatMap((l) => {
    const stamp = safeStamp(join(root, RELEASES, l.release), report);
    return stamp ? [{ ...l, stamp }] : [];
  });
  // A linked release's run folder first, so the stage can be restored.
  for (const { stamp, release } of [...linked, ...stamps.values()]) {
    restoreRun(root, stamp, release, report);
  }
  const runs = readRuns(root, report);
  const name = linked[0]?.stamp.name ?? [...stamps.values()][0]?.stamp.name ?? configName(runs);
  report.name = name;
  const versionOf = new Map<string, number>();
  for (const r of runs) {
    try {
      readVerifiedRun(r.dir, sha256(r.bytes));
      const v = await reg.register(r.dir, { name, tags: r.meta.registration?.tags ?? {}, actor });
      versionOf.set(r.meta.run_id, v.version);
      report.registered.push({ version: v.version, run_id: v.run_id, trained_at: v.trained_at });
    } catch (e) {
      if (!(e instanceof TabflowError)) throw e;
      report.skipped.push({ path: r.dir, reason: e.message });
    }
  }
  for (const l of linked) {
    const version = versionOf.get(l.stamp.run_id);
    const v = version === undefined ? null : await reg.store.getVersion(version);
    if (!v) {
      report.skipped.push({
        path: join(root, l.stage),
        reason: `${l.stage} points to run ${l.stamp.run_id}, which could not be registered: link left as it is`,
      });
      continue;
    }
    if (l.stamp.metadata_sha256 && l.stamp.metadata_sha256 !== v.metadata_sha256) {
      report.skipped.push({
        path: join(root, l.stage),
        reason: `${l.stage}'s release records another metadata.json than run ${v.run_id} holds: stage not restored`,
      });
      continue;
    }
    await reg.store.setStage({ stage: l.stage, version: v.version, since: l.stamp.published_at });
    await reg.store.addEvent({
      ts: new Date().toISOString(),
      type: 'rebuild',
      stage: l.stage,
      version: v.version,
      actor,
      details: { release: l.release, stamped_version: l.stamp.version },
    });
    report.stages.push({ stage: l.stage, version: v.version, release: l.release });
  }
}

function safeStamp(dir: string, report: RebuildReport): RegistryStamp | null {
  try {
    const s = readRegistryStamp(dir);
    if (s && RUN_ID.test(s.run_id) && !s.run_id.includes('..')) return s;
    report.skipped.push({ path: dir, reason: `registry.json names run ${JSON.stringify(s?.run_id)}` });
  } catch (e) {
    if (!(e instanceof TabflowError)) throw e;
    report.skipped.push({ path: dir, reason: e.message });
  }
  return null;
}

/** Rewrite runs/<run-id> from a verified release copy when the run folder is gone. */
function restoreRun(root: string, stamp: RegistryStamp, release: string, report: RebuildReport): void {
  const runDir = join(root, RUNS_DIR, stamp.run_id);
  if (existsSync(runDir)) return;
  const dir = join(root, RELEASES, release);
  try {
    const meta = readFileSync(join(dir, METADATA_FILE));
    writeDirAtomic(runDir, readVerifiedRun(dir, stamp.metadata_sha256 ?? sha256(meta)));
    report.restored_runs.push(stamp.run_id);
  } catch (e) {
    if (!(e instanceof TabflowError) && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    report.skipped.push({ path: dir, reason: `cannot restore run ${stamp.run_id}: ${(e as Error).message}` });
  }
}

interface RunFolder {
  dir: string;
  bytes: Buffer;
  meta: MetadataJson;
}

/** Every run folder with a readable metadata.json, oldest run first. */
function readRuns(root: string, report: RebuildReport): RunFolder[] {
  const out: RunFolder[] = [];
  for (const n of registryTraces(root).runs) {
    const dir = join(root, RUNS_DIR, n);
    try {
      const bytes = readFileSync(join(dir, METADATA_FILE));
      const meta = JSON.parse(bytes.toString('utf8')) as MetadataJson;
      if (typeof meta?.run_id !== 'string' || typeof meta.created_at !== 'string') {
        throw new Error('it lacks run_id or created_at');
      }
      out.push({ dir, bytes, meta });
    } catch (e) {
      report.skipped.push({ path: dir, reason: `unreadable ${METADATA_FILE}: ${(e as Error).message}` });
    }
  }
  return out.sort(
    (a, b) =>
      a.meta.created_at.localeCompare(b.meta.created_at) || a.meta.run_id.localeCompare(b.meta.run_id),
  );
}

/** The name the newest run was trained under (its config's registry.name), else `default`. */
function configName(runs: RunFolder[]): string {
  for (let i = runs.length - 1; i >= 0; i--) {
    const m = runs[i].meta.registration?.name;
    if (m) return m;
    try {
      const name = (readRunConfig(runs[i].dir).registry as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string') return name;
    } catch {
      // an unreadable config: try an older run
    }
  }
  return 'default';
}
