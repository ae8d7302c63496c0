/**
 * A manifest: the files of one folder by name → sha256 and size, stored as a blob itself, so a
 * folder published once is named by one hash and can be rebuilt anywhere from the store. Its
 * text is canonical (files sorted, no spaces): the same folder always gives the same manifest
 * blob. Parsing checks every field, and file names are plain names (no path, no leading dot):
 * a manifest is data, and materialising one never writes outside its folder.
 */
import { ArtifactError } from '../../core/errors.js';

/** The `format` every manifest carries. */
export const MANIFEST_FORMAT = 'tabflow-manifest';
/** The manifest layout this tabflow writes and reads. */
export const MANIFEST_VERSION = 1;

/** One file of a manifest. */
export interface ManifestEntry {
  sha256: string;
  bytes: number;
}

/** A folder's files, published. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  format_version: number;
  /** What the folder is (a run's id). */
  name: string;
  /** File name → its blob. */
  files: Record<string, ManifestEntry>;
}

const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The canonical text of a manifest (its blob). */
export function manifestText(name: string, files: Record<string, ManifestEntry>): string {
  const sorted = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((f) => [checkFileName(f, 'manifest'), { sha256: files[f].sha256, bytes: files[f].bytes }]),
  );
  const m: Manifest = { format: MANIFEST_FORMAT, format_version: MANIFEST_VERSION, name, files: sorted };
  return `${JSON.stringify(m)}\n`;
}

/** `name` if a manifest may hold a file of that name, else `bad_manifest` naming `where`. */
export function checkFileName(name: string, where: string): string {
  if (!FILE_NAME.test(name) || name.includes('..')) {
    throw new ArtifactError(
      'bad_manifest',
      `${where}: file name ${JSON.stringify(name)} is not allowed: expected a plain name of 1-128 ` +
        'letters, digits, ".", "_" or "-", not starting with "." (no folders)',
    );
  }
  return name;
}

/** Parse and check a manifest blob read from `where`. */
export function parseManifest(bytes: Uint8Array, where: string): Manifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw bad(where, `it is not JSON (${(e as Error).message})`);
  }
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT) {
    throw bad(where, `format is ${JSON.stringify(m?.format)}, expected "${MANIFEST_FORMAT}"`);
  }
  if (!Number.isInteger(m.format_version) || (m.format_version as number) > MANIFEST_VERSION) {
    throw bad(
      where,
      `format_version ${JSON.stringify(m.format_version)}: this tabflow reads up to ${MANIFEST_VERSION}`,
    );
  }
  if (typeof m.name !== 'string' || m.name === '') throw bad(where, 'name is missing');
  const files = m.files;
  if (files === null || typeof files !== 'object' || Array.isArray(files))
    throw bad(where, 'files is not a mapping');
  for (const [f, e] of Object.entries(files as Record<string, ManifestEntry>)) {
    checkFileName(f, where);
    if (typeof e?.sha256 !== 'string' || !SHA256.test(e.sha256))
      throw bad(where, `${f}: sha256 is not 64 hex digits`);
    if (!Number.isInteger(e.bytes) || e.bytes < 0) throw bad(where, `${f}: bytes is not a size`);
  }
  return m as unknown as Manifest;
}

function bad(where: string, why: string): ArtifactError {
  return new ArtifactError('bad_manifest', `${where} is not a tabflow manifest: ${why}`);
}
