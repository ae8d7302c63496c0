/**
 * The model registry: versions of one named model per models root, stages dev / staging /
 * production mirrored by folders, aliases, recorded stage moves, rollback and history. The gate
 * that decides a promotion is src/promotion's.
 */

export { REGISTRY_DB_FILE, registryUriOf } from '../store/open-stores.js';
export type {
  AliasRow,
  EventType,
  NewEvent,
  NewVersion,
  RegistryEvent,
  RegistryStore,
  StageRow,
  StoredVersion,
} from '../store/registry-store.js';
export { FAULT_STEPS, type FaultStep, SAVE_FAULT_STEPS } from './fault.js';
export {
  type Decision,
  defaultActor,
  ModelRegistry,
  type OpenOptions,
  type ReconcileFix,
  type StageMove,
  type StageMoveInput,
  type VersionRecord,
} from './model-registry.js';
export {
  checkAlias,
  checkModelName,
  checkStage,
  checkTags,
  isStage,
  type ParsedRef,
  parseRef,
  STAGES,
  type Stage,
} from './names.js';
export {
  REGISTRY_PARAMS,
  type RegistryConfig,
  resolveRegistryConfig,
} from './registry-config.js';
export {
  REGISTRY_STAMP_FILE,
  type RegistryStamp,
  readRegistryStamp,
} from './registry-stamp.js';
export { StageFolders } from './stage-folders.js';
export type { MetricChange, ValueChange, VersionDiff, VersionSummary } from './version-diff.js';
