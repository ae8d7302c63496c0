/**
 * registry.json, the stamp the registry writes into every release folder. Its format lives with
 * the run folder's (`src/artifacts/release-stamp.ts`); here it is typed with the registry's stages.
 */
import { type ReleaseStamp, readReleaseStamp } from '../artifacts/release-stamp.js';
import type { Stage } from './names.js';

export { REGISTRY_STAMP_FILE, REGISTRY_STAMP_FORMAT, stampText } from '../artifacts/release-stamp.js';

/** A release's registry.json: name, version, stage, run id and metadata.json's registered sha256. */
export type RegistryStamp = ReleaseStamp<Stage>;

/** The stamp of a release folder; null when the folder has none (a run folder, an old release). */
export function readRegistryStamp(dir: string): RegistryStamp | null {
  return readReleaseStamp(dir) as RegistryStamp | null;
}
