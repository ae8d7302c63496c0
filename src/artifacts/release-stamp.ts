/**
 * registry.json: written by the registry into every release folder, so whoever loads a stage
 * folder (the server, `tabflow predict`) knows which registered version it holds, and can check
 * that the folder's metadata.json is the registered one (`metadata_sha256`, copied from the
 * registry's record; absent in stamps written before it existed). Part of the folder format:
 * `RunFolder.open` checks a release against it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactError } from '../core/errors.js';

/** The stamp's file name in a release folder. */
export const REGISTRY_STAMP_FILE = 'registry.json';
/** Version of the stamp layout this tabflow writes. */
export const REGISTRY_STAMP_FORMAT = 1;

/** What registry.json records (`stage` is dev, staging or production). */
export interface ReleaseStamp<S extends string = string> {
  format_version: number;
  name: string;
  version: number;
  stage: S;
  run_id: string;
  published_at: string;
  /** sha256 of the release's metadata.json as the registry recorded it at registration. */
  metadata_sha256?: string;
}

/** The text of a release's registry.json. */
export function stampText(s: Omit<ReleaseStamp, 'format_version'>): string {
  return `${JSON.stringify({ format_version: REGISTRY_STAMP_FORMAT, ...s }, null, 2)}\n`;
}

/** The fields `RunFolder.open` checks, from parsed registry.json (anything else: absent). */
export function readStampFields(json: unknown): { run_id?: unknown; metadata_sha256?: unknown } {
  return json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
}

/** The stamp of a release folder; null when the folder has none (a run folder, an old release). */
export function readReleaseStamp(dir: string): ReleaseStamp | null {
  let text: string;
  try {
    text = readFileSync(join(dir, REGISTRY_STAMP_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let s: ReleaseStamp;
  try {
    s = JSON.parse(text) as ReleaseStamp;
  } catch (e) {
    throw new ArtifactError(
      'bad_json',
      `${join(dir, REGISTRY_STAMP_FILE)} is not valid JSON (${(e as Error).message})`,
    );
  }
  if (typeof s !== 'object' || s === null || typeof s.run_id !== 'string' || !Number.isInteger(s.version)) {
    throw new ArtifactError(
      'bad_stamp',
      `${join(dir, REGISTRY_STAMP_FILE)} lacks run_id or version: the release folder is corrupt`,
    );
  }
  if (s.metadata_sha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(s.metadata_sha256))) {
    throw new ArtifactError(
      'bad_stamp',
      `${join(dir, REGISTRY_STAMP_FILE)} has metadata_sha256 ${JSON.stringify(s.metadata_sha256)}; ` +
        'expected 64 hex digits: the release folder is corrupt',
    );
  }
  if (s.format_version > REGISTRY_STAMP_FORMAT) {
    throw new ArtifactError(
      'newer_format',
      `${join(dir, REGISTRY_STAMP_FILE)} has format_version ${s.format_version}; this tabflow reads up to ${REGISTRY_STAMP_FORMAT}`,
    );
  }
  return s;
}
