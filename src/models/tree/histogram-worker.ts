/**
 * Worker side of parallel-histogram.ts: waits for a posted job, builds its share of the features
 * into the shared histogram (or runs its part of a row job, row-jobs.ts) with the same functions as
 * the main thread (the WebAssembly kernel when the main thread has it), signals done.
 */
import { parentPort } from 'node:worker_threads';
import type { BinnedData } from './binning.js';
import { buildHistogram, buildRootHistogram } from './histogram.js';
import { type BufferLayout, viewBuffers } from './histogram-buffers.js';
import { CHUNK, finishChunk, takeChunk } from './histogram-chunks.js';
import { HistogramKernel } from './histogram-kernel.js';
import { C } from './parallel-histogram.js';
import { runRowChunk } from './row-jobs.js';

/** The shared block, posted once the main thread has binned the data (the worker boots meanwhile). */
interface Init {
  layout: BufferLayout;
  nRows: number;
  nFeatures: number;
  /** The kernel's shared memory, or (TypeScript path) a plain shared buffer. */
  memory: WebAssembly.Memory | null;
  sab: SharedArrayBuffer | null;
}
const { layout, nRows, nFeatures, memory, sab } = await new Promise<Init>((resolve) =>
  parentPort?.once('message', resolve),
);
const buf = viewBuffers(memory ? memory.buffer : (sab as SharedArrayBuffer), layout);
const kernel = memory ? HistogramKernel.create(memory) : null;
const offsets = buf.offsets;
const data: BinnedData = { nRows, nFeatures, bins: buf.bins };
const ctrl = buf.ctrl;
const slotSize = 3 * offsets[nFeatures];

parentPort?.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, C.posted, seen);
  const seq = Atomics.load(ctrl, C.posted);
  if (seq === seen) continue;
  seen = seq;
  const kind = ctrl[C.kind];
  if (kind === 3) break;
  chunks(seq, kind);
}

/** Take chunks of job `seq` until none is left (histogram-chunks.ts). */
function chunks(seq: number, kind: number): void {
  const count = ctrl[CHUNK.count];
  const width = ctrl[CHUNK.width];
  const nf = ctrl[C.featTo];
  const [start, end, arg, flag] = [ctrl[C.start], ctrl[C.end], ctrl[C.arg], ctrl[C.flag]];
  for (let i = takeChunk(ctrl, seq, count); i >= 0; i = takeChunk(ctrl, seq, count)) {
    try {
      if (kind <= 2) build(i * width, Math.min(nf, (i + 1) * width));
      else runRowChunk(buf, kernel, nRows, kind, start, end, width, i, arg, flag);
    } catch {
      ctrl[C.failed] = 1;
    }
    finishChunk(ctrl, count);
  }
}

/** Features feats[from..to) of the posted histogram job. */
function build(from: number, to: number): void {
  const kind = ctrl[C.kind];
  const off = ctrl[C.histOffset];
  const hist = buf.arena.subarray(off, off + slotSize);
  const feats = buf.feats.subarray(from, to);
  const hasHess = ctrl[C.hasHess] === 1;
  const hConst = buf.ctrlF[0];
  const s = ctrl[C.start];
  const e = ctrl[C.end];
  const oh = hasHess ? buf.oh : null;
  if (kernel && kind === 1)
    kernel.root(
      hist,
      buf.bins,
      nRows,
      offsets,
      feats,
      to - from,
      buf.grad,
      hasHess ? buf.hess : null,
      hConst,
      buf.counts,
      buf.scratch1,
    );
  else if (kernel && ctrl[C.direct] === 1)
    kernel.nodeDirect(
      hist,
      buf.bins,
      nRows,
      offsets,
      feats,
      to - from,
      buf.rows,
      s,
      e,
      buf.grad,
      hasHess ? buf.hess : null,
      hConst,
      buf.scratch1,
    );
  else if (kernel)
    kernel.node(
      hist,
      buf.bins,
      nRows,
      offsets,
      feats,
      to - from,
      buf.rows,
      s,
      e,
      buf.og,
      oh,
      hConst,
      buf.scratch1,
    );
  else if (kind === 1) {
    buildRootHistogram(
      hist,
      data,
      offsets,
      feats,
      to - from,
      buf.grad,
      hasHess ? buf.hess : null,
      hConst,
      buf.counts,
    );
  } else {
    buildHistogram(hist, data, offsets, feats, to - from, buf.rows, s, e, buf.og, oh, hConst);
  }
}
