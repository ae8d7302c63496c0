/**
 * The grower's large arrays in one shared block of memory: binned columns, gradients/hessians,
 * the row index and its partition buffer, the gathered (node-order) gradients, bin counts, an arena
 * of histogram slots, the feature list, the helper thread's control words, per-thread scratch, and
 * what the two threads' row jobs share (row-jobs.ts: the training predictions, a tree's leaves).
 * The block is a shared `WebAssembly.Memory` when the histogram kernel (wasm/histogram.c) runs on
 * it — the main thread and the helper thread then call the kernel on the same bytes, no copies —
 * else a plain SharedArrayBuffer. Either way both threads see the same `SharedBuffers` views.
 */
import { alignUp, WASM_PAGE } from '../../core/wasm.js';

/** Views into the shared block (built from a `BufferLayout` by `viewBuffers`). */
export interface SharedBuffers {
  bins: Uint8Array;
  grad: Float64Array;
  hess: Float64Array;
  rows: Uint32Array;
  /** Partition buffer (right-hand rows). */
  tmp: Uint32Array;
  og: Float64Array;
  oh: Float64Array;
  counts: Float64Array;
  arena: Float64Array;
  feats: Int32Array;
  offsets: Int32Array;
  /** Go-left table of the split being applied (bin → 0/1). */
  lut: Uint8Array;
  /** Kernel scratch of the main thread (0) and the helper thread (1). */
  scratch0: Float64Array;
  scratch1: Float64Array;
  ctrl: Int32Array;
  /** hConst for jobs without hessians. */
  ctrlF: Float64Array;
  /** gbdt's raw training predictions (updated from each tree's leaves by both threads). */
  raw: Float64Array;
  /** Leaf k of the tree being added: positions leafSpan[2k] .. leafSpan[2k + 1], value leafValue[k]. */
  leafSpan: Int32Array;
  leafValue: Float64Array;
  /** gbdt's targets, for the squared loss's gradients refreshed with the predictions. */
  y: Float64Array;
  /** Left-row count of each chunk of a shared partition (row-jobs.ts). */
  parts: Int32Array;
}

/** Leaves a tree may have for its prediction update to be shared by the threads (gbdt: ≤ 31 by default). */
export const LEAF_CAP = 256;

/** Doubles of kernel scratch per thread: two partial histograms of one feature (histogram.ts). */
const SCRATCH = 2 * 3 * 257;
/** Control block Int32 slots (parallel-histogram.ts `C`). */
export const CTRL_SLOTS = 20;

type Kind = 'u8' | 'i32' | 'u32' | 'f64';
const BYTES: Record<Kind, number> = { u8: 1, i32: 4, u32: 4, f64: 8 };

/** Byte offset and length of every view; `bytes` = the block's size. Plain data (posted to the worker). */
export interface BufferLayout {
  readonly at: Readonly<Record<keyof SharedBuffers, [offset: number, length: number, kind: Kind]>>;
  readonly bytes: number;
}

/** Where each array goes from byte `base` on (16-aligned) for n rows, p features and the slots. */
export function planBuffers(
  n: number,
  p: number,
  slotSize: number,
  slots: number,
  base: number,
): BufferLayout {
  let pos = alignUp(base, 16);
  const at = {} as Record<keyof SharedBuffers, [number, number, Kind]>;
  const place = (name: keyof SharedBuffers, length: number, kind: Kind) => {
    at[name] = [pos, length, kind];
    pos = alignUp(pos + Math.max(1, length) * BYTES[kind], 16);
  };
  // Small and hot first; the bins (n · p bytes) last.
  place('ctrl', CTRL_SLOTS, 'i32');
  place('ctrlF', 1, 'f64');
  place('offsets', p + 1, 'i32');
  place('feats', p, 'i32');
  place('lut', 257, 'u8');
  place('scratch0', SCRATCH, 'f64');
  place('scratch1', SCRATCH, 'f64');
  place('leafSpan', 2 * LEAF_CAP, 'i32');
  place('leafValue', LEAF_CAP, 'f64');
  place('parts', 256, 'i32');
  place('counts', slotSize, 'f64');
  place('arena', slotSize * slots, 'f64');
  place('grad', n, 'f64');
  place('hess', n, 'f64');
  place('raw', n, 'f64');
  place('y', n, 'f64');
  place('og', n, 'f64');
  place('oh', n, 'f64');
  place('rows', n, 'u32');
  place('tmp', n, 'u32');
  place('bins', n * p, 'u8');
  return { at, bytes: pos };
}

function view(buffer: ArrayBufferLike, offset: number, length: number, kind: Kind) {
  switch (kind) {
    case 'u8':
      return new Uint8Array(buffer, offset, length);
    case 'i32':
      return new Int32Array(buffer, offset, length);
    case 'u32':
      return new Uint32Array(buffer, offset, length);
    default:
      return new Float64Array(buffer, offset, length);
  }
}

/** The views of `layout` over `buffer` (each thread builds its own over the same bytes). */
export function viewBuffers(buffer: ArrayBufferLike, layout: BufferLayout): SharedBuffers {
  const out = {} as Record<keyof SharedBuffers, unknown>;
  for (const [name, [offset, length, kind]] of Object.entries(layout.at))
    out[name as keyof SharedBuffers] = view(buffer, offset, length, kind);
  return out as SharedBuffers;
}

/** wasm32 addresses 4 GiB; a larger block keeps the TypeScript path (a plain SharedArrayBuffer). */
export const MAX_WASM_BYTES = 2 ** 32 - WASM_PAGE;

/** A shared WebAssembly memory of exactly `bytes` (rounded up to pages; it never grows). */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / WASM_PAGE);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}
