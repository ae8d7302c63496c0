/**
 * A worker's cache of fetched arrays, by hash, in shared memory (so handing one to the fit
 * thread copies nothing), bounded in bytes: least recently used first out. Concurrent requests
 * for one blob share one fetch.
 */
import type { RedisBlobs } from './blobs.js';
import type { WireArray } from './wire.js';
import { f64FromBytes } from './wire.js';

/** Arrays by blob hash, at most `maxBytes` of them. */
export class BlobCache {
  private readonly blobs: RedisBlobs;
  private readonly maxBytes: number;
  private readonly entries = new Map<string, Promise<Float64Array>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(blobs: RedisBlobs, maxBytes: number) {
    this.blobs = blobs;
    this.maxBytes = maxBytes;
  }

  /** The array `ref` names (fetched and checked once, then from memory). */
  get(ref: WireArray, what: string): Promise<Float64Array> {
    const hit = this.entries.get(ref.blob);
    if (hit) {
      // Most recently used last.
      this.entries.delete(ref.blob);
      this.entries.set(ref.blob, hit);
      return hit;
    }
    const p = this.blobs.get(ref.blob, what).then((bytes) => shared(f64FromBytes(bytes, ref.length, what)));
    this.entries.set(ref.blob, p);
    p.then(
      () => this.admit(ref.blob, ref.length * 8),
      () => this.entries.delete(ref.blob),
    );
    return p;
  }

  private admit(sha: string, size: number): void {
    this.sizes.set(sha, size);
    this.bytes += size;
    for (const old of this.entries.keys()) {
      if (this.bytes <= this.maxBytes || old === sha) break;
      this.entries.delete(old);
      this.bytes -= this.sizes.get(old) ?? 0;
      this.sizes.delete(old);
    }
  }
}

function shared(a: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}
