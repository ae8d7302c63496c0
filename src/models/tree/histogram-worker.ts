/**
 * Worker side of parallel-histogram.ts: waits for a posted job, builds its share of the features
 * into the shared histogram with the same functions as the main thread, signals done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BinnedData } from './binning.js';
import { buildHistogram, buildRootHistogram } from './histogram.js';
import { C, type SharedBuffers } from './parallel-histogram.js';

const { buf, nRows, nFeatures, offsets } = workerData as {
  buf: SharedBuffers;
  nRows: number;
  nFeatures: number;
  offsets: Int32Array;
};
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
  if (ctrl[C.kind] === 3) break;
  // The main thread takes the job itself when we come too late.
  if (Atomics.compareExchange(ctrl, C.claimed, seq - 1, seq) !== seq - 1) continue;
  try {
    job();
  } catch {
    ctrl[C.failed] = 1;
  }
  Atomics.store(ctrl, C.done, seq);
  Atomics.notify(ctrl, C.done);
}

function job(): void {
  const kind = ctrl[C.kind];
  const off = ctrl[C.histOffset];
  const hist = buf.arena.subarray(off, off + slotSize);
  const from = ctrl[C.featFrom];
  const to = ctrl[C.featTo];
  const feats = buf.feats.subarray(from, to);
  const hasHess = ctrl[C.hasHess] === 1;
  const hConst = buf.ctrlF[0];
  if (kind === 1) {
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
    const s = ctrl[C.start];
    const e = ctrl[C.end];
    buildHistogram(
      hist,
      data,
      offsets,
      feats,
      to - from,
      buf.rows,
      s,
      e,
      buf.og,
      hasHess ? buf.oh : null,
      hConst,
    );
  }
}
