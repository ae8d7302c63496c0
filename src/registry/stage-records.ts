/**
 * Stage moves on a host that keeps no models folder — a node serving from an artifact store,
 * whose `/admin/promote` goes through the shared registry: the move is the stage row and its
 * event, nothing else. A host that has the run folders finds its stage link on another version
 * when it next opens the registry, writes its own release from the run folder and points the
 * link there, as it does after a move made on any other host.
 */
import type { RegistryStore, StageRow } from '../store/registry-store.js';
import type { Stage } from './names.js';
import type { ReconcileFix, VersionRecord } from './records.js';
import { type MoveEvent, recordMove, type StageWriter } from './stage-writer.js';

/** Stage moves as database records only (see the module comment). */
export class StageRecords implements StageWriter {
  constructor(private readonly store: RegistryStore) {}

  async move(v: VersionRecord, stage: Stage, from: StageRow | undefined, ev: MoveEvent): Promise<number> {
    return recordMove(this.store, v, stage, from, ev, new Date().toISOString());
  }

  /** No folders, nothing to prune. */
  async prune(): Promise<void> {}

  /** No folders, nothing to repair. */
  async reconcile(): Promise<ReconcileFix[]> {
    return [];
  }

  /** No folders: a version is served from its run folder (fetched into a cache by the caller). */
  localRelease(): string | null {
    return null;
  }
}
