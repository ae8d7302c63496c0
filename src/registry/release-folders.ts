/**
 * Release folders under `<root>/.releases/`: complete, verified copies of one registered version
 * (the run's five files plus registry.json), each written atomically. Stage links point at them.
 * They are a host's own: the registry records which version a stage holds, each host's stage
 * link which of its releases serves it.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic } from '../artifacts/atomic.js';
import { ARTIFACT_FILES, METADATA_FILE, RunFolder } from '../artifacts/run-folder.js';
import { RELEASES } from '../artifacts/stage-link.js';
import { faultPoint } from './fault.js';
import type { Stage } from './names.js';
import { REGISTRY_STAMP_FILE, readRegistryStamp, stampText } from './registry-stamp.js';

/**
 * Unreferenced releases are kept for readers that resolved a stage link just before it moved (a
 * server still loading the previous model): the newest few always, and any younger than a while.
 */
export const PRUNE_POLICY = { keep: 5, minAgeMs: 10 * 60_000 };

/** `<stage>-v<N>-<time><random>`: a new release folder's name. */
export function releaseName(stage: Stage, version: number): string {
  return `${stage}-v${version}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

/**
 * Read a run folder's files and prove they are the registered ones: metadata.json's sha256
 * equals what the registry recorded at register time (and its seal, metadata.json.sha256, when
 * the run has one), every other file's equals metadata.json's (`RunFolder.open` with `registered`).
 */
export function readVerifiedRun(runDir: string, metadataSha256: string): Record<string, Buffer> {
  return RunFolder.open(runDir, { registered: metadataSha256 }).files();
}

/** A release folder to write: the run's files and the stamp. */
export interface ReleaseInput {
  root: string;
  release: string;
  files: Record<string, Buffer>;
  stamp: {
    name: string;
    version: number;
    stage: Stage;
    run_id: string;
    published_at: string;
    metadata_sha256: string;
  };
}

/** Write a release folder atomically; returns its path. */
export function writeRelease(r: ReleaseInput): string {
  const dir = join(r.root, RELEASES, r.release);
  let first = true;
  writeDirAtomic(dir, { ...r.files, [REGISTRY_STAMP_FILE]: stampText(r.stamp) }, () => {
    if (first) faultPoint('release-partial');
    first = false;
  });
  return dir;
}

/** What identifies a registered version's files. */
type RegisteredRun = { run_id: string; version: number; metadata_sha256: string };

/**
 * A release folder that holds version `v.version` of run `v.run_id`, all files present, stamped
 * with the registered metadata.json sha256 (a stamp without one, or with another, is rewritten)
 * and, when given, for `stage`.
 */
export function isCompleteRelease(root: string, release: string, v: RegisteredRun, stage?: Stage): boolean {
  const dir = join(root, RELEASES, release);
  try {
    const stamp = readRegistryStamp(dir);
    if (!stamp || stamp.run_id !== v.run_id || stamp.version !== v.version) return false;
    if (stamp.metadata_sha256 !== v.metadata_sha256) return false;
    if (stage !== undefined && stamp.stage !== stage) return false;
    return [METADATA_FILE, ...ARTIFACT_FILES].every((f) => existsSync(join(dir, f)));
  } catch {
    return false;
  }
}

/**
 * This host's newest complete release of version `v` in `stage` (one a move wrote here before,
 * e.g. the release a stage returns to after a crash put its link on the next one), or null.
 */
export function findRelease(root: string, stage: Stage, v: RegisteredRun): string | null {
  const dir = join(root, RELEASES);
  if (!existsSync(dir)) return null;
  const prefix = `${stage}-v${v.version}-`;
  const found = readdirSync(dir)
    .filter((n) => n.startsWith(prefix) && isCompleteRelease(root, n, v, stage))
    .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  return found[0]?.n ?? null;
}

/** Whether a release folder was written by the registry (has registry.json). */
export function isRegistryRelease(root: string, release: string): boolean {
  return existsSync(join(root, RELEASES, release, REGISTRY_STAMP_FILE));
}

/**
 * A temporary entry a stage move writes under the write lock: a release folder being written, a
 * stage link about to be renamed. Other `.tmp-` files in the root (experiment.json written by an
 * A/B command) are not the registry's and are left alone.
 */
export function isMoveLeftover(inReleases: boolean, name: string): boolean {
  return inReleases ? name.startsWith('.tmp-') : /^\.tmp-(dev|staging|production)-/.test(name);
}

/** Remove temporary files and folders a killed stage move left behind (call under the write lock). */
export function removeLeftovers(root: string): string[] {
  const removed: string[] = [];
  for (const dir of [root, join(root, RELEASES)]) {
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir)) {
      if (!isMoveLeftover(dir !== root, n)) continue;
      rmSync(join(dir, n), { recursive: true, force: true });
      removed.push(join(dir === root ? '' : RELEASES, n));
    }
  }
  return removed;
}

/** Delete registry releases nobody points to, but the newest few and the recent ones. */
export function pruneReleases(
  root: string,
  referenced: ReadonlySet<string>,
  policy: { keep: number; minAgeMs: number } = PRUNE_POLICY,
  now = Date.now(),
): string[] {
  const dir = join(root, RELEASES);
  if (!existsSync(dir)) return [];
  const candidates = readdirSync(dir)
    .filter((n) => !n.startsWith('.tmp-') && !referenced.has(n) && isRegistryRelease(root, n))
    .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  const removed: string[] = [];
  for (const { n, t } of candidates.slice(policy.keep)) {
    if (now - t < policy.minAgeMs) continue;
    rmSync(join(dir, n), { recursive: true, force: true });
    removed.push(n);
  }
  return removed;
}
