/**
 * Storage behind async interfaces: the model registry's records (`RegistryStore`) and the
 * prediction log (`PredictionStore`), each chosen by a URI through `openStores`. Backends live
 * in their own folder (src/store/sqlite); nothing else in src/ talks to a database driver.
 */
export type { BackendOptions, StoreBackend } from './backend.js';
export {
  type OpenStoresOptions,
  openRegistryForRebuild,
  openStores,
  REGISTRY_DB_FILE,
  registryUriOf,
  type Stores,
  type StoreUris,
  storeExists,
} from './open-stores.js';
export type {
  JoinedFeedback,
  JoinQuery,
  LabelledRow,
  LoggedFeedback,
  LoggedPrediction,
  LogQuery,
  LogSummary,
  NewFeedback,
  NewPrediction,
  PredictionAccess,
  PredictionStore,
} from './prediction-store.js';
export type {
  AliasRow,
  EventType,
  NewEvent,
  NewVersion,
  RegistryEvent,
  RegistryStore,
  RegistryWatch,
  Stage,
  StageRow,
  StoredVersion,
  WatchOptions,
} from './registry-store.js';
export { STAGES } from './registry-store.js';
export { resolveStorageConfig, STORAGE_PARAMS, type StorageConfig } from './storage-config.js';
export {
  configuredStore,
  logStoreOf,
  STORAGE_ENV,
  type StorageNames,
  type StorageSetting,
  useStorage,
} from './storage-setting.js';
export {
  DEFAULT_STORE_WAIT_S,
  isStoreUnavailable,
  type StoreRole,
  type StoreWait,
  type StoreWaitOptions,
  waitForStore,
} from './store-outage.js';
export {
  parseStoreUri,
  pathOrUri,
  redact,
  STORE_SCHEMES,
  type StoreScheme,
  type StoreUri,
  storeUriOf,
} from './store-uri.js';
