/**
 * Exact duplicate rows in O(n): hash every row column by column over the typed arrays (cache
 * friendly, no per-row objects), then insert row numbers into an open-addressing table; rows that
 * land on an equal hash are compared cell by cell, so a hash collision can never drop a row.
 * Missing equals missing; 0 equals -0 (as in pandas).
 */
import type { Column, Frame } from '../data/frame.js';

/** mask[i] = 1 when row i repeats an earlier row (the first occurrence is kept). */
export function duplicateMask(frame: Frame): Uint8Array {
  const n = frame.nRows;
  const dup = new Uint8Array(n);
  if (n === 0 || frame.nCols === 0) return dup;
  const cols = frame.columns.map(canonical);
  const h = new Int32Array(n).fill(0x2545f491);
  for (const c of cols) hashColumn(c, h);
  for (let i = 0; i < n; i++) h[i] = fmix(h[i]);

  let cap = 1;
  while (cap < 2 * n) cap <<= 1;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  for (let i = 0; i < n; i++) {
    let slot = h[i] & mask;
    for (;;) {
      const j = table[slot];
      if (j < 0) {
        table[slot] = i;
        break;
      }
      if (h[j] === h[i] && rowsEqual(cols, i, j)) {
        dup[i] = 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return dup;
}

type Canon =
  | { kind: 'f64'; values: Float64Array; words: Uint32Array }
  | { kind: 'i32'; values: Int32Array }
  | { kind: 'u8'; values: Uint8Array };

/** Categorical codes are remapped so equal strings share one code even if a dictionary repeats a level. */
function canonical(c: Column): Canon {
  switch (c.type) {
    case 'numeric':
    case 'datetime':
      return {
        kind: 'f64',
        values: c.values,
        words: new Uint32Array(c.values.buffer, c.values.byteOffset, c.values.length * 2),
      };
    case 'boolean':
      return { kind: 'u8', values: c.values };
    case 'categorical': {
      const first = new Map<string, number>();
      const remap = Int32Array.from(c.dictionary, (s, k) => {
        const f = first.get(s);
        if (f !== undefined) return f;
        first.set(s, k);
        return k;
      });
      if (remap.every((v, k) => v === k)) return { kind: 'i32', values: c.codes };
      const codes = c.codes.map((v) => (v < 0 ? -1 : remap[v]));
      return { kind: 'i32', values: codes };
    }
  }
}

function hashColumn(c: Canon, h: Int32Array): void {
  const n = h.length;
  if (c.kind === 'f64') {
    const { values, words } = c;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      // All NaNs (missing) hash alike, and -0 like 0, matching the equality used below.
      if (Number.isNaN(v)) h[i] = mix(mix(h[i], 0x7ff80000), 0);
      else if (v === 0) h[i] = mix(mix(h[i], 0), 0);
      else h[i] = mix(mix(h[i], words[2 * i]), words[2 * i + 1]);
    }
  } else {
    const v = c.values;
    for (let i = 0; i < n; i++) h[i] = mix(h[i], v[i]);
  }
}

function rowsEqual(cols: Canon[], i: number, j: number): boolean {
  for (const c of cols) {
    const a = c.values[i];
    const b = c.values[j];
    if (a !== b && !(c.kind === 'f64' && Number.isNaN(a) && Number.isNaN(b))) return false;
  }
  return true;
}

/** One MurmurHash3 x86_32 block step. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
