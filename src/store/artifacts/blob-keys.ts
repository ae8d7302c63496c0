/**
 * Keys and names of an artifact store, and the one check every backend's `get` runs: the bytes
 * read must hash to the key they are stored under, else `blob_corrupt` naming where, the
 * expected and the actual hash (a store never hands out bytes it cannot vouch for).
 */
import { createHash } from 'node:crypto';
import { ArtifactError } from '../../core/errors.js';
import type { BlobInput } from './artifact-store.js';

const SHA256 = /^[0-9a-f]{64}$/;
const REF = /^[a-z]+\/[A-Za-z0-9._-]{1,128}$/;

/** Hex sha256 of bytes or text. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256` if it is a blob key (64 lower-case hex digits), else `bad_blob_key`. */
export function checkBlobKey(sha256: string): string {
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    throw new ArtifactError(
      'bad_blob_key',
      `blob key ${JSON.stringify(sha256)} is not allowed: expected a sha256 as 64 lower-case hex digits`,
    );
  }
  return sha256;
}

/** `name` if it is a ref name (`run/<run-id>`), else `bad_blob_key`. */
export function checkRefName(name: string): string {
  if (typeof name !== 'string' || !REF.test(name) || name.includes('..')) {
    throw new ArtifactError(
      'bad_blob_key',
      `ref ${JSON.stringify(name)} is not allowed: expected <kind>/<name>, a lower-case kind and ` +
        '1-128 letters, digits, ".", "_" or "-" without "..", e.g. run/20261126-071502-3fa2c1',
    );
  }
  return name;
}

/** Bytes read for `sha256` from `where` must hash to it: else `blob_corrupt`. */
export function verifyBlob(bytes: Uint8Array, sha256: string, where: string): Buffer {
  const actual = sha256Hex(bytes);
  if (actual !== sha256) {
    throw new ArtifactError(
      'blob_corrupt',
      `${where} is corrupt: its bytes hash to sha256 ${actual}, expected ${sha256} ` +
        `(${bytes.length} bytes read); it is not used. Re-publish the run, or remove the damaged copy`,
    );
  }
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** No blob under `sha256` in `location`. */
export function blobMissing(sha256: string, location: string): ArtifactError {
  return new ArtifactError(
    'blob_missing',
    `${location} holds no blob ${sha256}: publish the run to this store first (or check the store URI)`,
  );
}

/** A ref set once to one blob, asked to point at another. */
export function refConflict(name: string, held: string, asked: string, location: string): ArtifactError {
  return new ArtifactError(
    'ref_conflict',
    `${location}: ref ${name} already points at ${held}, not ${asked}: a published run never changes; ` +
      'train a new run instead',
  );
}

/** The input's bytes as chunks (a buffer or text is one chunk). */
export async function* chunksOf(data: BlobInput): AsyncIterable<Uint8Array> {
  if (typeof data === 'string') yield Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) yield data;
  else {
    for await (const c of data) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
  }
}
