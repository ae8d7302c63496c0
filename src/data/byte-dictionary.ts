/**
 * Dictionary encoder for strings given as byte ranges (the CSV parser's fields). Only new values
 * are decoded into JS strings. Values of up to 8 bytes (most category labels) are keyed exactly by
 * their bytes packed into two 32-bit words, so a repeat costs a few loads and no byte loop; longer
 * values are keyed by an FNV-1a hash and compared byte by byte against a pool. Open addressing on
 * typed arrays throughout.
 */
import { isUtf8 } from 'node:buffer';
import type { BytesDecoder } from './encoding.js';

const EMPTY = -1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over bytes[start, end). */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h >>> 0;
}

export class ByteDictionary {
  readonly values: string[] = [];
  /** The first value that was not valid UTF-8 (a copy of its bytes), when decoding as UTF-8. */
  invalidUtf8: Uint8Array | null = null;
  /** `decoder`: for a single-byte encoding (data.encoding); null = UTF-8. */
  constructor(private readonly decoder: BytesDecoder = null) {}
  // Short values: packed bytes (2 words) and length per slot.
  private shortKeys = new Uint32Array(2048);
  private shortLens = new Uint8Array(1024);
  private shortCodes = new Int32Array(1024).fill(EMPTY);
  private shortMask = 1023;
  private shortCount = 0;
  // Long values: bytes in a pool; per code offset, length and hash.
  private pool = new Uint8Array(1 << 12);
  private poolUsed = 0;
  private offsets = new Int32Array(256);
  private lengths = new Int32Array(256);
  private hashes = new Uint32Array(256);
  private slots = new Int32Array(1024).fill(EMPTY);
  private mask = 1023;
  private longCount = 0;

  get size(): number {
    return this.values.length;
  }

  /** Code of bytes[start, end), adding it when new. */
  code(bytes: Uint8Array, start: number, end: number): number {
    const len = end - start;
    return len <= 8 ? this.shortCode(bytes, start, len) : this.longCode(bytes, start, end);
  }

  private shortCode(bytes: Uint8Array, start: number, len: number): number {
    let k0 = 0;
    let k1 = 0;
    const m = Math.min(len, 4);
    for (let i = 0; i < m; i++) k0 |= bytes[start + i] << (8 * i);
    for (let i = 4; i < len; i++) k1 |= bytes[start + i] << (8 * (i - 4));
    k0 >>>= 0;
    k1 >>>= 0;
    let h = Math.imul(k0 ^ Math.imul(len + 1, 0x9e3779b1), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13) ^ k1, 0xc2b2ae35);
    h ^= h >>> 16;
    const keys = this.shortKeys;
    let s = h & this.shortMask;
    for (;;) {
      const c = this.shortCodes[s];
      if (c === EMPTY) break;
      if (keys[2 * s] === k0 && keys[2 * s + 1] === k1 && this.shortLens[s] === len) return c;
      s = (s + 1) & this.shortMask;
    }
    const c = this.newValue(bytes, start, start + len);
    this.shortCodes[s] = c;
    keys[2 * s] = k0;
    keys[2 * s + 1] = k1;
    this.shortLens[s] = len;
    if (++this.shortCount * 2 > this.shortCodes.length) this.growShort();
    return c;
  }

  private growShort(): void {
    const { shortKeys, shortLens, shortCodes } = this;
    const cap = shortCodes.length * 2;
    this.shortKeys = new Uint32Array(cap * 2);
    this.shortLens = new Uint8Array(cap);
    this.shortCodes = new Int32Array(cap).fill(EMPTY);
    this.shortMask = cap - 1;
    for (let s = 0; s < shortCodes.length; s++) {
      if (shortCodes[s] === EMPTY) continue;
      const k0 = shortKeys[2 * s];
      const k1 = shortKeys[2 * s + 1];
      const len = shortLens[s];
      let h = Math.imul(k0 ^ Math.imul(len + 1, 0x9e3779b1), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13) ^ k1, 0xc2b2ae35);
      h ^= h >>> 16;
      let t = h & this.shortMask;
      while (this.shortCodes[t] !== EMPTY) t = (t + 1) & this.shortMask;
      this.shortCodes[t] = shortCodes[s];
      this.shortKeys[2 * t] = k0;
      this.shortKeys[2 * t + 1] = k1;
      this.shortLens[t] = len;
    }
  }

  private longCode(bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end);
    const len = end - start;
    let s = h & this.mask;
    for (;;) {
      const c = this.slots[s];
      if (c === EMPTY) break;
      if (this.hashes[c] === h && this.lengths[c] === len && this.same(c, bytes, start, len)) return c;
      s = (s + 1) & this.mask;
    }
    const c = this.newValue(bytes, start, end);
    if (c >= this.offsets.length) {
      const n = Math.max(c + 1, this.offsets.length * 2);
      this.offsets = grown(this.offsets, n);
      this.lengths = grown(this.lengths, n);
      this.hashes = grown(this.hashes, n);
    }
    if (this.poolUsed + len > this.pool.length) this.pool = grown(this.pool, 2 * (this.poolUsed + len));
    this.pool.set(bytes.subarray(start, end), this.poolUsed);
    this.offsets[c] = this.poolUsed;
    this.lengths[c] = len;
    this.hashes[c] = h;
    this.poolUsed += len;
    this.slots[s] = c;
    if (++this.longCount * 2 > this.slots.length) this.rehashLong();
    return c;
  }

  private same(c: number, bytes: Uint8Array, start: number, len: number): boolean {
    const pool = this.pool;
    const o = this.offsets[c];
    for (let i = 0; i < len; i++) if (pool[o + i] !== bytes[start + i]) return false;
    return true;
  }

  private rehashLong(): void {
    const old = this.slots;
    const cap = old.length * 2;
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    for (let s = 0; s < old.length; s++) {
      const c = old[s];
      if (c === EMPTY) continue;
      let t = this.hashes[c] & this.mask;
      while (this.slots[t] !== EMPTY) t = (t + 1) & this.mask;
      this.slots[t] = c;
    }
  }

  private newValue(bytes: Uint8Array, start: number, end: number): number {
    let value: string;
    if (isAscii(bytes, start, end)) value = decode(bytes, start, end);
    else if (this.decoder) value = this.decoder(bytes.subarray(start, end));
    else {
      // Only a non-ASCII value can be invalid UTF-8 (decoded, it would hold U+FFFD): checked once
      // per distinct value, so a UTF-8 file pays nothing per cell for the encoding check.
      const sub = bytes.subarray(start, end);
      if (this.invalidUtf8 === null && !isUtf8(sub)) this.invalidUtf8 = sub.slice();
      value = utf8.decode(sub);
    }
    this.values.push(value);
    return this.values.length - 1;
  }
}

function grown<T extends Int32Array | Uint32Array | Uint8Array>(a: T, n: number): T {
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(a);
  return out;
}

const utf8 = new TextDecoder();

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] > 127) return false;
  return true;
}

/** Short ASCII (most category labels) without a decoder call: ~10× cheaper per new value. */
function decode(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i] > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(bytes.subarray(start, end));
}
