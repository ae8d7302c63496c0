/**
 * How the two grower threads share one histogram: its features are cut into chunks of `width`
 * features that each thread takes in turn from an atomic counter until none is left, then the
 * main thread waits for the chunks the worker is still building. A thread that is descheduled on a
 * busy machine thus leaves its share to the other one instead of stalling it (a fixed half did),
 * and neither waits for the other to start. Every feature's histogram is built by the same code on
 * the same rows in the same order whichever thread takes it, so the bits never depend on the cut.
 *
 * The counter holds the job's sequence number (high bits) and the next chunk (low 8 bits): a
 * thread still holding an older job finds another sequence there and takes nothing.
 */

/** Control-block slots of the chunk protocol (parallel-histogram.ts `C`). */
export const CHUNK = {
  /** (seq << 8) | next chunk index. */
  next: 14,
  /** Chunks finished (by either thread) of the current job. */
  finished: 15,
  /** Features per chunk, and chunks in the job. */
  width: 16,
  count: 17,
} as const;

/** At most this many chunks per job (the index has 8 bits; 255 seals a finished job). */
export const MAX_CHUNKS = 254;
const SEALED = 0xff;

const SEQ_MASK = 0x7fffff;

/** Features per chunk so that `nf` features make at most MAX_CHUNKS chunks. */
export function chunkWidth(nf: number, preferred: number): number {
  return Math.max(preferred, Math.ceil(nf / MAX_CHUNKS));
}

/** Open job `seq` of `count` chunks of `width` features (before it is published). */
export function openChunks(ctrl: Int32Array, seq: number, width: number, count: number): void {
  ctrl[CHUNK.width] = width;
  ctrl[CHUNK.count] = count;
  Atomics.store(ctrl, CHUNK.finished, 0);
  Atomics.store(ctrl, CHUNK.next, (seq & SEQ_MASK) << 8);
}

/** The next chunk of job `seq` for the calling thread, or -1 when none is left (or the job is over). */
export function takeChunk(ctrl: Int32Array, seq: number, count: number): number {
  for (;;) {
    const v = Atomics.load(ctrl, CHUNK.next);
    if (v >>> 8 !== (seq & SEQ_MASK)) return -1;
    const i = v & 0xff;
    if (i >= count) return -1;
    if (Atomics.compareExchange(ctrl, CHUNK.next, v, v + 1) === v) return i;
  }
}

/** Count one chunk as finished; the last one wakes the main thread. */
export function finishChunk(ctrl: Int32Array, count: number): void {
  if (Atomics.add(ctrl, CHUNK.finished, 1) + 1 === count) Atomics.notify(ctrl, CHUNK.finished);
}

/**
 * Wait until every chunk of job `seq` is finished, then seal it: a thread that reads the next
 * job's parameters while still on this one takes no chunk with them.
 */
export function awaitChunks(ctrl: Int32Array, seq: number, count: number): void {
  for (;;) {
    const d = Atomics.load(ctrl, CHUNK.finished);
    if (d >= count) break;
    Atomics.wait(ctrl, CHUNK.finished, d, 1000);
  }
  Atomics.store(ctrl, CHUNK.next, ((seq & SEQ_MASK) << 8) | SEALED);
}
