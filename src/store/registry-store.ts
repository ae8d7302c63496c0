/**
 * RegistryStore: where the model registry keeps its records, behind an async interface so a
 * store on another machine (PostgreSQL) implements the same members as the embedded SQLite one
 * (src/store/sqlite). Every member is documented here once, as MLflow's abstract store does; a
 * backend passes test/registry/store-conformance.ts. The store is plain storage: naming rules,
 * stage folders and the gate live in ModelRegistry (src/registry) and src/promotion.
 */

/**
 * The stages a version can hold, in promotion order. Defined with the store because they are
 * the keys of its stage rows; `src/registry/names.ts` re-exports them with their checks.
 */
export const STAGES = ['dev', 'staging', 'production'] as const;
/** A stage name: dev, staging or production. */
export type Stage = (typeof STAGES)[number];

/** A version as registered (the store numbers it). */
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

/** A registered version with its number. */
export interface StoredVersion extends NewVersion {
  version: number;
}

/**
 * The version a stage holds, since when. Which release folder serves it is each host's own
 * business (its stage link, `<root>/<stage>` → `.releases/<name>`), not the registry's: hosts
 * sharing a registry each write their own (schema version 2 dropped the shared `release`).
 */
export interface StageRow {
  stage: Stage;
  version: number;
  since: string;
}

/** An alias and the version it names. */
export interface AliasRow {
  alias: string;
  version: number;
  updated_at: string;
}

/** What a recorded event is about. */
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

/** An event to record (the store gives it its id). */
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

/** A recorded event. */
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

/** What `RegistryStore.watch` also reports: the notification connection lost and back (for logs). */
export interface WatchOptions {
  onStatus?: (s: { listening: boolean; error?: string }) => void;
}

/** A subscription of `RegistryStore.watch`. */
export interface RegistryWatch {
  /** Stop listening (idempotent). */
  close(): Promise<void>;
}

/**
 * The registry's storage. Every member is async; a backend over a synchronous driver (SQLite)
 * resolves at once. Reads outside a write transaction see the last committed state.
 */
export interface RegistryStore {
  /** Human-readable location (file path, connection string without secrets). */
  readonly location: string;
  /**
   * Run `fn` holding the store's exclusive write lock, so writers in every process serialise;
   * everything written through this store while `fn` runs is committed when it resolves and
   * rolled back when it rejects. A call inside `fn` joins the outer transaction. `fn` should do
   * its file work synchronously: the lock is held until it settles.
   */
  writeTransaction<T>(fn: () => Promise<T> | T): Promise<T>;
  /** A value of the store's key/value table (model name, schema version), or null. */
  getMeta(key: string): Promise<string | null>;
  /** Insert or replace a key/value row. */
  setMeta(key: string, value: string): Promise<void>;
  /** Every key/value row, ordered by key (what `tabflow storage migrate` copies and compares). */
  listMeta(): Promise<Record<string, string>>;
  /** Inserts with the next version number (1, 2, ...) and returns it; a run registers once. */
  insertVersion(v: NewVersion): Promise<number>;
  /** A version by number, or null. */
  getVersion(version: number): Promise<StoredVersion | null>;
  /** The version a run was registered as, or null. */
  findRun(runId: string): Promise<StoredVersion | null>;
  /** Every version, oldest first. */
  listVersions(): Promise<StoredVersion[]>;
  /** The stage rows, ordered by stage name. */
  getStages(): Promise<StageRow[]>;
  /** Insert or replace a stage's row. */
  setStage(row: StageRow): Promise<void>;
  /** The aliases, ordered by name. */
  getAliases(): Promise<AliasRow[]>;
  /** Insert or replace an alias. */
  setAlias(row: AliasRow): Promise<void>;
  /** Remove an alias; false when it was not set. */
  removeAlias(alias: string): Promise<boolean>;
  /** Record an event; returns its id (increasing). */
  addEvent(e: NewEvent): Promise<number>;
  /** Oldest first; `limit` keeps the newest `limit`; `stage` only that stage's events. */
  listEvents(o?: { limit?: number; stage?: Stage }): Promise<RegistryEvent[]>;
  /**
   * A round trip to the store (what the server's `/ready` asks): resolves when it answers,
   * rejects (store_unavailable for a server that cannot be reached) when not.
   */
  ping(): Promise<void>;
  /**
   * Call `onChange` soon after any process commits a registry write (a promotion, rollback,
   * alias, experiment event…), so a follower need not wait for its next poll. Resolves to null
   * when the store cannot tell (SQLite: followers poll the file); `onChange` may also fire when
   * nothing changed (after a lost connection comes back), never less often than a change.
   */
  watch(onChange: () => void, o?: WatchOptions): Promise<RegistryWatch | null>;
  /** Release the connection. Idempotent. */
  close(): Promise<void>;
}
