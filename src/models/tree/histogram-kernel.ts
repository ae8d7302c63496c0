/**
 * The histogram kernel of wasm/histogram.c on a shared WebAssembly memory (histogram-buffers.ts):
 * the same additions in the same order as histogram.ts / the grower's partition, on views that
 * live in that memory (their byte offsets are the kernel's pointers). One instance per thread.
 */
import { wasmModule } from '../../core/wasm.js';
import { HISTOGRAM_WASM } from './histogram-wasm.js';

interface Exports {
  hist_node(
    hist: number,
    bins: number,
    n: number,
    offsets: number,
    feats: number,
    nf: number,
    rows: number,
    start: number,
    end: number,
    og: number,
    oh: number,
    hConst: number,
    scratch: number,
  ): void;
  hist_node_direct(
    hist: number,
    bins: number,
    n: number,
    offsets: number,
    feats: number,
    nf: number,
    rows: number,
    start: number,
    end: number,
    grad: number,
    hess: number,
    hConst: number,
    scratch: number,
  ): void;
  hist_root(
    hist: number,
    bins: number,
    n: number,
    offsets: number,
    feats: number,
    nf: number,
    g: number,
    h: number,
    hConst: number,
    counts: number,
    scratch: number,
  ): void;
  hist_subtract(out: number, parent: number, child: number, offsets: number, feats: number, nf: number): void;
  gather(out: number, src: number, rows: number, start: number, end: number): void;
  partition(rows: number, start: number, end: number, col: number, lut: number, tmp: number): number;
  partition_part(rows: number, start: number, end: number, col: number, lut: number, tmp: number): number;
  add_leaves(
    raw: number,
    rows: number,
    span: number,
    value: number,
    nLeaves: number,
    from: number,
    to: number,
    grad: number,
    y: number,
  ): void;
  __heap_base: WebAssembly.Global;
}

type View = Uint8Array | Int32Array | Uint32Array | Float64Array;

/** The first byte above the kernel's own (static) area, or null when this runtime cannot compile it. */
export function histogramKernelBase(): number | null {
  const m = wasmModule('histogram', HISTOGRAM_WASM);
  if (!m) return null;
  // __heap_base is a constant of the module: read it from a throwaway instance on a tiny memory.
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const exp = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as Exports;
  return exp.__heap_base.value as number;
}

export class HistogramKernel {
  /** The kernel over `memory` (whose buffer holds every view passed to it); null when unavailable. */
  static create(memory: WebAssembly.Memory): HistogramKernel | null {
    const m = wasmModule('histogram', HISTOGRAM_WASM);
    if (!m) return null;
    try {
      const exp = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as Exports;
      return new HistogramKernel(exp, memory.buffer);
    } catch {
      return null;
    }
  }

  private constructor(
    private readonly k: Exports,
    private readonly buffer: ArrayBufferLike,
  ) {}

  /** Whether every view lives in this kernel's memory. */
  holds(...views: (View | null)[]): boolean {
    for (const v of views) if (v && v.buffer !== this.buffer) return false;
    return true;
  }

  /** histogram.ts `buildHistogram` (features `feats[0..nf)`, `oh` null = constant hessian). */
  node(
    hist: Float64Array,
    bins: Uint8Array,
    n: number,
    offsets: Int32Array,
    feats: Int32Array,
    nf: number,
    rows: Uint32Array,
    start: number,
    end: number,
    og: Float64Array,
    oh: Float64Array | null,
    hConst: number,
    scratch: Float64Array,
  ): void {
    this.k.hist_node(
      hist.byteOffset,
      bins.byteOffset,
      n,
      offsets.byteOffset,
      feats.byteOffset,
      nf,
      rows.byteOffset,
      start,
      end,
      og.byteOffset,
      oh ? oh.byteOffset : 0,
      hConst,
      scratch.byteOffset,
    );
  }

  /**
   * `node` for a thread that starts before the node's gradients are gathered: reads them through
   * `rows` from `grad` / `hess` (null = constant hessian). Same bits as `node`.
   */
  nodeDirect(
    hist: Float64Array,
    bins: Uint8Array,
    n: number,
    offsets: Int32Array,
    feats: Int32Array,
    nf: number,
    rows: Uint32Array,
    start: number,
    end: number,
    grad: Float64Array,
    hess: Float64Array | null,
    hConst: number,
    scratch: Float64Array,
  ): void {
    this.k.hist_node_direct(
      hist.byteOffset,
      bins.byteOffset,
      n,
      offsets.byteOffset,
      feats.byteOffset,
      nf,
      rows.byteOffset,
      start,
      end,
      grad.byteOffset,
      hess ? hess.byteOffset : 0,
      hConst,
      scratch.byteOffset,
    );
  }

  /** histogram.ts `buildRootHistogram`. */
  root(
    hist: Float64Array,
    bins: Uint8Array,
    n: number,
    offsets: Int32Array,
    feats: Int32Array,
    nf: number,
    g: Float64Array,
    h: Float64Array | null,
    hConst: number,
    counts: Float64Array,
    scratch: Float64Array,
  ): void {
    this.k.hist_root(
      hist.byteOffset,
      bins.byteOffset,
      n,
      offsets.byteOffset,
      feats.byteOffset,
      nf,
      g.byteOffset,
      h ? h.byteOffset : 0,
      hConst,
      counts.byteOffset,
      scratch.byteOffset,
    );
  }

  /** histogram.ts `subtractHistogram`: `out = parent - child` over features `feats[0..nf)`. */
  subtract(
    out: Float64Array,
    parent: Float64Array,
    child: Float64Array,
    offsets: Int32Array,
    feats: Int32Array,
    nf: number,
  ): void {
    this.k.hist_subtract(
      out.byteOffset,
      parent.byteOffset,
      child.byteOffset,
      offsets.byteOffset,
      feats.byteOffset,
      nf,
    );
  }

  /** histogram.ts `gatherOrdered`. */
  gather(out: Float64Array, src: Float64Array, rows: Uint32Array, start: number, end: number): void {
    this.k.gather(out.byteOffset, src.byteOffset, rows.byteOffset, start, end);
  }

  /** The grower's stable partition of rows[start..end) by `lut[col[row]]`; returns the boundary. */
  partition(
    rows: Uint32Array,
    start: number,
    end: number,
    col: Uint8Array,
    lut: Uint8Array,
    tmp: Uint32Array,
  ): number {
    return this.k.partition(rows.byteOffset, start, end, col.byteOffset, lut.byteOffset, tmp.byteOffset);
  }

  /** row-jobs.ts `partitionPart`: left rows in place, right rows to tmp[start..]; returns the left count. */
  partitionPart(
    rows: Uint32Array,
    start: number,
    end: number,
    col: Uint8Array,
    lut: Uint8Array,
    tmp: Uint32Array,
  ): number {
    return this.k.partition_part(rows.byteOffset, start, end, col.byteOffset, lut.byteOffset, tmp.byteOffset);
  }

  /** row-jobs.ts `addLeafValues`: the leaves' values added to raw at positions [from, to). */
  addLeaves(
    raw: Float64Array,
    rows: Uint32Array,
    span: Int32Array,
    value: Float64Array,
    nLeaves: number,
    from: number,
    to: number,
    grad: Float64Array,
    y: Float64Array | null,
  ): void {
    const k = this.k;
    k.add_leaves(
      raw.byteOffset,
      rows.byteOffset,
      span.byteOffset,
      value.byteOffset,
      nLeaves,
      from,
      to,
      grad.byteOffset,
      y ? y.byteOffset : 0,
    );
  }
}
