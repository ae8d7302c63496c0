/**
 * Dictionary encoder for DuckDB VARCHAR vectors that never builds a JS string for a value it has
 * seen before. Each DuckDB `string_t` is 16 bytes: a length, then either the string itself
 * (≤ 12 bytes, zero-padded: those 16 bytes are the exact key) or a 4-byte prefix and a pointer.
 * Long strings are keyed by (length, prefix, 64-bit DuckDB hash of the whole string), so only the
 * first occurrence of each distinct value is decoded. Open addressing on typed arrays.
 */
const EMPTY = -1;

export class StringDictionary {
  readonly values: string[] = [];
  private keys: Uint32Array;
  private slots: Int32Array;
  private mask: number;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Uint32Array(cap * 4);
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.values.length;
  }

  /** Code of the value keyed by (a, b, c, d), or -1 when it is new. */
  find(a: number, b: number, c: number, d: number): number {
    const keys = this.keys;
    let s = hash4(a, b, c, d) & this.mask;
    for (;;) {
      const code = this.slots[s];
      if (code === EMPTY) return EMPTY;
      const o = s * 4;
      if (keys[o] === a && keys[o + 1] === b && keys[o + 2] === c && keys[o + 3] === d) return code;
      s = (s + 1) & this.mask;
    }
  }

  /** Add a new value (caller checked `find` first); returns its code. */
  add(a: number, b: number, c: number, d: number, value: string): number {
    if ((this.values.length + 1) * 2 > this.slots.length) this.grow();
    const code = this.values.length;
    this.values.push(value);
    this.insert(a, b, c, d, code);
    return code;
  }

  private insert(a: number, b: number, c: number, d: number, code: number): void {
    let s = hash4(a, b, c, d) & this.mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & this.mask;
    this.slots[s] = code;
    const o = s * 4;
    this.keys[o] = a;
    this.keys[o + 1] = b;
    this.keys[o + 2] = c;
    this.keys[o + 3] = d;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const cap = oldSlots.length * 2;
    this.keys = new Uint32Array(cap * 4);
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    for (let s = 0; s < oldSlots.length; s++) {
      const code = oldSlots[s];
      if (code === EMPTY) continue;
      const o = s * 4;
      this.insert(oldKeys[o], oldKeys[o + 1], oldKeys[o + 2], oldKeys[o + 3], code);
    }
  }
}

/** Murmur3-style mix of four 32-bit words. */
function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0xcc9e2d51);
  h = Math.imul((h << 13) | (h >>> 19), 5) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ c;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ d;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}
