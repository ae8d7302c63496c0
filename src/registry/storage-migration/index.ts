/**
 * `tabflow storage migrate` as a library: a project's registry (with its running A/B test),
 * prediction log and runs (with their training data) copied from one storage to another
 * (`migrateStorage`), then compared part by part (`verifyMigration`).
 */
export { type ArtifactsCopy, copyArtifacts, type RunSource } from './copy-artifacts.js';
export { carryExperiment, type ExperimentSide, readExperimentText } from './copy-experiment.js';
export { copyLog, LOG_BATCH, type LogCopyOptions, type RowProgress, type TableCopy } from './copy-log.js';
export { copyRegistry, type RegistryCopy } from './copy-registry.js';
export {
  canonicalJson,
  feedbackDigest,
  predictionsDigest,
  type RegistryDigest,
  type RowsDigest,
  registryDigest,
} from './digests.js';
export {
  type MigrateOptions,
  type MigrationProgress,
  type MigrationReport,
  type MigrationSource,
  type MigrationTarget,
  migrateStorage,
} from './migrate-storage.js';
export { type Verification, type VerifiedSide, verifyMigration } from './verify-migration.js';
