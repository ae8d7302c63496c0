/**
 * The folder side of the stages: a move writes the release folder complete, swaps the stage link,
 * then records the row and the event (the caller holds the store's write lock around it all).
 * `reconcile` puts links back where the database says after a crash, the database being the
 * source of truth for which version each stage holds; `prune` removes releases nobody points to
 * any more.
 *
 * Which release folder serves a stage is this host's own: the stage link names it, and the
 * registry's row does not. Hosts sharing a registry (a storage setting) that hold the run
 * folders each write their own release of a version the stage moved to elsewhere, and record
 * nothing in the shared registry for it: nothing for the others to "repair" in turn.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { RELEASES, removeStageLink, stageLinkTarget, swapStageLink } from '../artifacts/stage-link.js';
import type { RegistryStore, StageRow } from '../store/registry-store.js';
import { configuredStore } from '../store/storage-setting.js';
import { isStoreUnavailable } from '../store/store-outage.js';
import { faultPoint } from './fault.js';
import { StageRecords } from './stage-records.js';
import { type MoveEvent, recordMove, type StageWriter } from './stage-writer.js';

export type { MoveEvent, StageWriter } from './stage-writer.js';

import { STAGES, type Stage } from './names.js';
import type { ReconcileFix, VersionRecord } from './records.js';
import {
  findRelease,
  isCompleteRelease,
  isMoveLeftover,
  isRegistryRelease,
  pruneReleases,
  readVerifiedRun,
  releaseName,
  removeLeftovers,
  writeRelease,
} from './release-folders.js';

export class StageFolders implements StageWriter {
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
    // A shared registry moved from a host without the run (an operator's): the record alone;
    // the hosts with the run folder follow it when they next open the registry.
    if (this.runElsewhere(v.run_path)) return new StageRecords(this.store).move(v, stage, from, ev);
    const files = readVerifiedRun(v.run_path, v.metadata_sha256);
    const was = stageLinkTarget(this.root, stage);
    const release = releaseName(stage, v.version);
    const ts = new Date().toISOString();
    writeRelease({ root: this.root, release, files, stamp: stampOf(v, stage, ts) });
    faultPoint('release-written');
    swapStageLink(this.root, stage, release, { beforeRename: () => faultPoint('link-created') });
    try {
      faultPoint('link-swapped');
      // The event keeps the release this host wrote: history, not where other hosts serve it from.
      return await recordMove(this.store, v, stage, from, ev, ts, { ...(ev.details ?? {}), release });
    } catch (e) {
      // The database will roll back: put the link back where it was.
      if (was !== null && existsSync(join(this.root, RELEASES, was))) swapStageLink(this.root, stage, was);
      else removeStageLink(this.root, stage);
      throw e;
    }
  }

  /**
   * After a committed move: drop releases no stage link of this host points to (old enough).
   * Housekeeping: a store that cannot be reached now (its server restarting) leaves them to the
   * next move's prune, and never turns the committed move into a failure.
   */
  async prune(): Promise<void> {
    faultPoint('committed');
    try {
      await this.store.writeTransaction(() => pruneReleases(this.root, this.linkedReleases()));
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
    }
  }

  /** The releases this host's stage links point to. */
  private linkedReleases(): Set<string> {
    const out = new Set<string>();
    for (const stage of STAGES) {
      const link = stageLinkTarget(this.root, stage);
      if (link !== null) out.add(link);
    }
    return out;
  }

  /**
   * This host's release folder serving `stage` at `version`: the one its link points to when
   * complete, else null.
   */
  localRelease(stage: Stage, v: VersionRecord): string | null {
    const link = stageLinkTarget(this.root, stage);
    return link !== null && isCompleteRelease(this.root, link, v, stage) ? link : null;
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
        // A failed repair is reported by every open until fixed, but recorded only once it is;
        // a host sharing the registry records nothing of its own folders there.
        if (fix.error || this.shared()) continue;
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

  /** Whether the registry is shared by several hosts (a storage setting names it). */
  private shared(): boolean {
    return configuredStore('registry') !== undefined;
  }

  /**
   * A registry shared by several hosts names runs trained on other hosts: a host without the
   * run's folder (a serving node, an operator's laptop) has no stage link of it to keep, and
   * leaves that stage alone rather than report a repair it cannot make.
   */
  private runElsewhere(runDir: string): boolean {
    if (!this.shared()) return false;
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
        if (!v || link === null || !isCompleteRelease(this.root, link, v, stage)) return true;
      } else if (link !== null && isRegistryRelease(this.root, link)) return true;
    }
    return hasLeftovers(this.root);
  }

  /** Point one stage link at a complete release of the version the database says; null when it does. */
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
    if (this.localRelease(stage, v) !== null) return null;
    // A release of it this host wrote before (the one a crashed move left behind), else a new
    // one from the run folder (deleted by hand, or the stage moved on another host).
    let release = findRelease(this.root, stage, v);
    if (release === null) {
      release = releaseName(stage, v.version);
      writeRelease({
        root: this.root,
        release,
        files: readVerifiedRun(v.run_path, v.metadata_sha256),
        stamp: stampOf(v, stage, new Date().toISOString()),
      });
    }
    swapStageLink(this.root, stage, release);
    return { stage, was: link, now: release, ...(this.shared() ? { followed: true } : {}) };
  }
}

/** The registry.json of version `v`'s release in `stage`. */
function stampOf(v: VersionRecord, stage: Stage, publishedAt: string) {
  return {
    name: v.name,
    version: v.version,
    stage,
    run_id: v.run_id,
    published_at: publishedAt,
    metadata_sha256: v.metadata_sha256,
  };
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
