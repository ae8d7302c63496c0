/**
 * RegistryStore: where the registry keeps its records. Embedded SQLite by default
 * (SqliteRegistryStore); a store for several machines (PostgreSQL) implements the same members.
 * The store is plain storage: naming rules, stage folders and the gate live in ModelRegistry.
 */
import type { Stage } from './names.js';

export interface NewVersion {
  name: string;
  run_id: string;
  /** Relative to the models root when inside it, so the root can be moved as a whole. */
  run_dir: string;
  registered_at: string;
  actor: string;
  metadata_sha256: string;
  artifacts: Record<string, { sha256: string; bytes: number }>;
  model_kind: string;
  model_name: string;
  params: Record<string, unknown>;
  metrics: Record<string, Record<string, number>>;
  data_sha256: string;
  config_sha256: string;
  trained_at: string;
  tags: Record<string, string>;
  /**
   * What the run was trained on: target column, data file name, rows loaded, input columns.
   * Absent for versions registered before they were recorded (ModelRegistry reads them from the
   * run's metadata.json then).
   */
  target?: string;
  data_file?: string;
  data_rows?: number;
  features?: string[];
}

export interface StoredVersion extends NewVersion {
  version: number;
}

export interface StageRow {
  stage: Stage;
  version: number;
  /** Folder name under <root>/.releases the stage link points to. */
  release: string;
  since: string;
}

export interface AliasRow {
  alias: string;
  version: number;
  updated_at: string;
}

export type EventType =
  | 'register'
  | 'promote'
  | 'rollback'
  | 'alias'
  | 'unalias'
  | 'reconcile'
  // ModelRegistry.rebuild: a stage row restored from its link's registry.json.
  | 'rebuild'
  // A/B experiments (src/experiment): started, stopped, concluded — with their numbers in details.
  | 'ab_start'
  | 'ab_stop'
  | 'ab_conclude'
  // tabflow retrain (src/loop): the challenger, the gate's numbers and what was done.
  | 'retrain';

export interface NewEvent {
  ts: string;
  type: EventType;
  stage?: Stage | null;
  version?: number | null;
  from_version?: number | null;
  actor?: string | null;
  reason?: string | null;
  /** promote: passed | refused | forced | no_incumbent | ungated; null for other events. */
  decision?: string | null;
  details?: Record<string, unknown> | null;
}

export interface RegistryEvent {
  id: number;
  ts: string;
  type: EventType;
  stage: Stage | null;
  version: number | null;
  from_version: number | null;
  actor: string | null;
  reason: string | null;
  decision: string | null;
  details: Record<string, unknown> | null;
}

export interface RegistryStore {
  /** Human-readable location (file path, connection string without secrets). */
  readonly location: string;
  /**
   * Run `fn` holding the store's exclusive write lock, so writers in every process serialise;
   * everything `fn` wrote is committed when it returns and rolled back when it throws.
   */
  writeTransaction<T>(fn: () => T): T;
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
  /** Inserts with the next version number (1, 2, ...) and returns it. */
  insertVersion(v: NewVersion): number;
  getVersion(version: number): StoredVersion | null;
  findRun(runId: string): StoredVersion | null;
  listVersions(): StoredVersion[];
  getStages(): StageRow[];
  setStage(row: StageRow): void;
  getAliases(): AliasRow[];
  setAlias(row: AliasRow): void;
  removeAlias(alias: string): boolean;
  addEvent(e: NewEvent): number;
  /** Oldest first; `limit` keeps the newest `limit`. */
  listEvents(o?: { limit?: number; stage?: Stage }): RegistryEvent[];
  close(): void;
}
