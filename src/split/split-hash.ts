/** Fingerprint of one part: sha256 hex of its sorted row indices as little-endian uint32 bytes. */
import { createHash } from 'node:crypto';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * sha256 of row indices as little-endian uint32, hex: the same split gives the same hash on any
 * machine.
 */
export function hashIndices(idx: Uint32Array): string {
  let bytes: Uint8Array;
  if (LITTLE_ENDIAN) bytes = new Uint8Array(idx.buffer, idx.byteOffset, idx.byteLength);
  else {
    const view = new DataView(new ArrayBuffer(idx.byteLength));
    for (let k = 0; k < idx.length; k++) view.setUint32(4 * k, idx[k], true);
    bytes = new Uint8Array(view.buffer);
  }
  return createHash('sha256').update(bytes).digest('hex');
}
