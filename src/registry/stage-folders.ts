/**
 * The folder side of the stages: a move writes the release folder complete, swaps the stage link,
 * then records the row and the event (the caller holds the store's write lock around it all).
 * `reconcile` puts links back where the database says after a crash, the database being the
 * source of truth; `prune` removes releases nobody points to any more.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { RELEASES, removeStageLink, stageLinkTarget, swapStageLink } from '../artifacts/stage-link.js';
import type { RegistryStore, StageRow } from '../store/registry-store.js';
import { configuredStore } from '../store/storage-setting.js';
import { isStoreUnavailable } from '../store/store-outage.js';
import { faultPoint } from './fault.js';
import { STAGES, type Stage } from './names.js';
import type { Decision, ReconcileFix, VersionRecord } from './records.js';
import {
  isCompleteRelease,
  isMoveLeftover,
  isRegistryRelease,
  pruneReleases,
  readVerifiedRun,
  releaseName,
  removeLeftovers,
  writeRelease,
} from './release-folders.js';

export interface MoveEvent {
  type: 'promote' | 'rollback';
  decision: Decision;
  details?: Record<string, unknown>;
  reason: string | null;
  actor: string;
}

export class StageFolders {
  constructor(
    private readonly root: string,
    private readonly store: RegistryStore,
    private readonly version: (v: number) => Promise<VersionRecord>,
  ) {}

  /**
   * Move `stage` to version `v`; call inside a write transaction. Returns the event id. The
   * folders are written synchronously: the write lock is held for as short as they take.
   */
  async move(v: VersionRecord, stage: Stage, from: StageRow | undefined, ev: MoveEvent): Promise<number> {
    const files = readVerifiedRun(v.run_path, v.metadata_sha256);
    const release = releaseName(stage, v.version);
    const ts = new Date().toISOString();
    writeRelease({
      root: this.root,
      release,
      files,
      stamp: {
        name: v.name,
        version: v.version,
        stage,
        run_id: v.run_id,
        published_at: ts,
        metadata_sha256: v.metadata_sha256,
      },
    });
    faultPoint('release-written');
    swapStageLink(this.root, stage, release, { beforeRename: () => faultPoint('link-created') });
    try {
      faultPoint('link-swapped');
      await this.store.setStage({ stage, version: v.version, release, since: ts });
      return await this.store.addEvent({
        ts,
        type: ev.type,
        stage,
        version: v.version,
        from_version: from?.version ?? null,
        actor: ev.actor,
        reason: ev.reason,
        decision: ev.decision,
        details: { ...(ev.details ?? {}), release },
      });
    } catch (e) {
      // The database will roll back: put the link back where the database says it is.
      if (from) swapStageLink(this.root, stage, from.release);
      else removeStageLink(this.root, stage);
      throw e;
    }
  }

  /**
   * After a committed move: drop releases nobody points to (old enough). Housekeeping: a store
   * that cannot be reached now (its server restarting) leaves them to the next move's prune, and
   * never turns the committed move into a failure.
   */
  async prune(): Promise<void> {
    faultPoint('committed');
    try {
      await this.store.writeTransaction(async () =>
        pruneReleases(this.root, new Set((await this.store.getStages()).map((s) => s.release))),
      );
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
    }
  }

  /** Repair links that disagree with the database (a crash mid-move) and remove leftovers. */
  async reconcile(actor: string): Promise<ReconcileFix[]> {
    if (!(await this.needsRepair())) return [];
    return this.store.writeTransaction(async () => {
      removeLeftovers(this.root);
      const rows = await this.store.getStages();
      const fixes: ReconcileFix[] = [];
      for (const stage of STAGES) {
        const row = rows.find((r) => r.stage === stage);
        const link = stageLinkTarget(this.root, stage);
        let fix: ReconcileFix | null;
        try {
          fix = await this.repairStage(stage, row, link);
        } catch (e) {
          // One broken stage must not lock the user out of the registry (list, history, promote).
          fix = { stage, was: link, now: link, error: (e as Error).message };
        }
        if (!fix) continue;
        fixes.push(fix);
        // A failed repair is reported by every open until fixed, but recorded only once it is.
        if (fix.error) continue;
        await this.store.addEvent({
          ts: new Date().toISOString(),
          type: 'reconcile',
          stage,
          version: row?.version ?? null,
          actor,
          details: { link_was: fix.was, link_now: fix.now },
        });
      }
      return fixes;
    });
  }

  /**
   * A registry shared by several hosts (a storage setting) names runs trained on other hosts: a
   * host without the run's folder (a serving node, an operator's laptop) has no stage link of it
   * to keep, and leaves that stage alone rather than report a repair it cannot make.
   */
  private runElsewhere(runDir: string): boolean {
    if (!configuredStore('registry')) return false;
    return !existsSync(isAbsolute(runDir) ? runDir : join(this.root, runDir));
  }

  /** Cheap check without the lock; `reconcile` checks again under it. */
  private async needsRepair(): Promise<boolean> {
    const rows = await this.store.getStages();
    for (const stage of STAGES) {
      const row = rows.find((r) => r.stage === stage);
      const link = stageLinkTarget(this.root, stage);
      if (row) {
        const v = await this.store.getVersion(row.version);
        if (v && this.runElsewhere(v.run_dir)) continue;
        if (link !== row.release) return true;
        if (!v || !isCompleteRelease(this.root, row.release, v)) return true;
      } else if (link !== null && isRegistryRelease(this.root, link)) return true;
    }
    return hasLeftovers(this.root);
  }

  /** Point one stage link where the database says; null when it already agrees. */
  private async repairStage(
    stage: Stage,
    row: StageRow | undefined,
    link: string | null,
  ): Promise<ReconcileFix | null> {
    if (!row) {
      if (link === null || !isRegistryRelease(this.root, link)) return null;
      // A first move into this stage crashed before its commit.
      removeStageLink(this.root, stage);
      return { stage, was: link, now: null };
    }
    const v = await this.version(row.version);
    if (this.runElsewhere(v.run_path)) return null;
    let release = row.release;
    if (!isCompleteRelease(this.root, release, v)) {
      // The database's release is gone (deleted by hand): rebuild it from the run folder.
      release = releaseName(stage, v.version);
      writeRelease({
        root: this.root,
        release,
        files: readVerifiedRun(v.run_path, v.metadata_sha256),
        stamp: {
          name: v.name,
          version: v.version,
          stage,
          run_id: v.run_id,
          published_at: new Date().toISOString(),
          metadata_sha256: v.metadata_sha256,
        },
      });
      await this.store.setStage({ ...row, release });
    }
    if (link === release) return null;
    swapStageLink(this.root, stage, release);
    return { stage, was: link, now: release };
  }
}

/** A killed stage move's temporary entry in the root or in .releases. */
function hasLeftovers(root: string): boolean {
  for (const dir of [root, join(root, RELEASES)]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // no such folder
    }
    if (names.some((n) => isMoveLeftover(dir !== root, n))) return true;
  }
  return false;
}
