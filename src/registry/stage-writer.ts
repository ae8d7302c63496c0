/**
 * What a stage move writes, as the registry asks for it: the event to record with the move, and
 * the two ways a host writes moves — with its release folders and stage links (`StageFolders`),
 * or as records only where there are no folders (`StageRecords`).
 */
import type { RegistryStore, StageRow } from '../store/registry-store.js';
import type { Stage } from './names.js';
import type { Decision, ReconcileFix, VersionRecord } from './records.js';

/** The event a stage move records. */
export interface MoveEvent {
  type: 'promote' | 'rollback';
  decision: Decision;
  details?: Record<string, unknown>;
  reason: string | null;
  actor: string;
}

/**
 * How a registry writes its stage moves: with this host's release folders and stage links
 * (`StageFolders`), or as records only on a host that keeps no folders (`StageRecords`).
 */
export interface StageWriter {
  /** Move `stage` to version `v` (inside a write transaction); the event's id. */
  move(v: VersionRecord, stage: Stage, from: StageRow | undefined, ev: MoveEvent): Promise<number>;
  /** After a committed move: tidy what the move left behind. */
  prune(): Promise<void>;
  /** Put this host's side back in line with the database (on open). */
  reconcile(actor: string): Promise<ReconcileFix[]>;
  /** This host's complete release of `v` in `stage` (where its stage link points), or null. */
  localRelease(stage: Stage, v: VersionRecord): string | null;
}

/**
 * The records of a move: the stage row and its event (inside the caller's write transaction);
 * `details` are the event's, the move's own or extended by the writer. Returns the event's id.
 */
export async function recordMove(
  store: RegistryStore,
  v: VersionRecord,
  stage: Stage,
  from: StageRow | undefined,
  ev: MoveEvent,
  ts: string,
  details: Record<string, unknown> = ev.details ?? {},
): Promise<number> {
  await store.setStage({ stage, version: v.version, since: ts });
  return store.addEvent({
    ts,
    type: ev.type,
    stage,
    version: v.version,
    from_version: from?.version ?? null,
    actor: ev.actor,
    reason: ev.reason,
    decision: ev.decision,
    details,
  });
}
