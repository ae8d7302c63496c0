/**
 * Dictionary encoder for strings given as byte ranges (the CSV parser's fields). A value seen
 * before costs one hash of its bytes and one comparison; only new values are decoded into JS
 * strings. Open addressing on typed arrays; the bytes of every entry live in one pool.
 */
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
  private pool = new Uint8Array(1 << 12);
  private poolUsed = 0;
  private offsets = new Int32Array(256);
  private lengths = new Int32Array(256);
  private hashes = new Uint32Array(256);
  private slots = new Int32Array(1024).fill(EMPTY);
  private mask = 1023;

  get size(): number {
    return this.values.length;
  }

  /** Code of bytes[start, end), adding it when new. */
  code(bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end);
    const len = end - start;
    let s = h & this.mask;
    for (;;) {
      const c = this.slots[s];
      if (c === EMPTY) break;
      if (this.hashes[c] === h && this.lengths[c] === len && this.same(c, bytes, start, len)) return c;
      s = (s + 1) & this.mask;
    }
    return this.add(bytes, start, end, h, s);
  }

  private same(c: number, bytes: Uint8Array, start: number, len: number): boolean {
    const pool = this.pool;
    const o = this.offsets[c];
    for (let i = 0; i < len; i++) if (pool[o + i] !== bytes[start + i]) return false;
    return true;
  }

  private add(bytes: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const c = this.values.length;
    const len = end - start;
    if (c === this.offsets.length) {
      this.offsets = grown(this.offsets, c * 2);
      this.lengths = grown(this.lengths, c * 2);
      this.hashes = grown(this.hashes, c * 2);
    }
    if (this.poolUsed + len > this.pool.length) this.pool = grown(this.pool, 2 * (this.poolUsed + len));
    this.pool.set(bytes.subarray(start, end), this.poolUsed);
    this.offsets[c] = this.poolUsed;
    this.lengths[c] = len;
    this.hashes[c] = h;
    this.poolUsed += len;
    this.values.push(decode(bytes, start, end));
    this.slots[slot] = c;
    if ((c + 1) * 2 > this.slots.length) this.rehash();
    return c;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    for (let c = 0; c < this.values.length; c++) {
      let s = this.hashes[c] & this.mask;
      while (this.slots[s] !== EMPTY) s = (s + 1) & this.mask;
      this.slots[s] = c;
    }
  }
}

function grown<T extends Int32Array | Uint32Array | Uint8Array>(a: T, n: number): T {
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(a);
  return out;
}

const utf8 = new TextDecoder();

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
