/**
 * The artifact store: content-addressed blobs (sha256) and write-once refs, `file:` or
 * `postgres:`, chosen by URI (`openArtifactStore`); manifests that name a folder's files; and
 * publishing a folder to a store and materialising it on another host, verified.
 */
export type { ArtifactStore, BlobInput, PutResult } from './artifact-store.js';
export {
  ARTIFACT_STORAGE_PARAMS,
  type ArtifactStorageConfig,
  artifactCacheDir,
  resolveArtifactStorageConfig,
} from './artifacts-config.js';
export { checkBlobKey, checkRefName, sha256Hex } from './blob-keys.js';
export {
  fetchBlob,
  fetchManifest,
  type Materialised,
  type MaterialiseOptions,
  materialise,
  type PublishedFolder,
  publishFiles,
  verifyFolder,
} from './folder-transfer.js';
export {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestEntry,
  manifestText,
  parseManifest,
} from './manifest.js';
export {
  ARTIFACT_STORE_SCHEMES,
  type ArtifactStoreTarget,
  isModelsFolderStore,
  openArtifactStore,
  parseArtifactStoreUri,
} from './open-artifact-store.js';
