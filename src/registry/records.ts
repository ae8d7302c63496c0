/** The registry's records as callers see them: versions with their stages, stage moves, repairs. */

import type { StoredVersion } from '../store/registry-store.js';
import type { Stage } from './names.js';

/** A registered version as callers see it: its stored row, run folder, stages and aliases. */
export interface VersionRecord extends StoredVersion {
  /** Absolute path of the run folder. */
  run_path: string;
  stages: Stage[];
  aliases: string[];
}

/** How a stage move was decided. */
export type Decision = 'passed' | 'refused' | 'forced' | 'no_incumbent' | 'ungated' | 'rollback';

/**
 * A recorded stage move (or a refused one): what the registry stored. A promotion's gate numbers
 * are added by the promotion layer (`PromotionDecision` in src/promotion).
 */
export interface StageMove {
  decision: Decision;
  /** Whether the stage moved (false only for a refused promotion). */
  applied: boolean;
  stage: Stage;
  version: number;
  from_version: number | null;
  reason: string | null;
  actor: string;
  event_id: number;
  /** Why the gate could not be evaluated, for a forced promotion. */
  gate_error?: string;
}

/** A stage link `open` repaired after a crash (or, with a shared registry, moved to follow it). */
export interface ReconcileFix {
  stage: Stage;
  /** Where the link pointed (null: nowhere) and where it points now (null: removed). */
  was: string | null;
  now: string | null;
  /** Set when the stage could not be repaired (its run folder is gone or changed). */
  error?: string;
  /**
   * Set when the registry is shared and this host's link followed the stage to the version it
   * moved to (on another host), in a release of its own: not a repair, and not recorded.
   */
  followed?: true;
}
