/**
 * Sorting arrays on a second thread while this one does other work. At 1M rows the data
 * contract and the drift profile sort 21 TRAIN columns of 700,000 values (~0.6 s of one core);
 * the steps after the fit (calibration, importance, the save's JSON) run on the main thread alone,
 * so the sorts go to a worker started once the fit is done and are collected by the save.
 * The worker runs the same `sortFloat64InPlace` the main thread would: same values, same order.
 */
import { Worker } from 'node:worker_threads';
import { hasSpareCore } from './process-load.js';
import { SortedOnce } from './sort.js';
import { workerScript } from './worker-entry.js';

/**
 * Arrays below this many values in total are sorted where they are read: starting a worker
 * (~40 ms) and copying the arrays to it cost more than it saves.
 */
export const THREAD_SORT_MIN_VALUES = 1 << 20;

/** Arrays posted to the worker and not yet sorted back, at most. */
const IN_FLIGHT = 3;

/** Sorts being made on a worker thread; `collect` waits for them. */
export interface PendingSorts {
  /**
   * A SortedOnce holding the sorted values of every array the worker finished (by identity, as
   * `SortedOnce.get` keys them). Waits only for the arrays already posted to the worker; the
   * rest (and any a failed worker lost) are sorted on their first `get`, on the caller's thread,
   * exactly as they would have been on the worker. Ends the worker.
   */
  collect(): Promise<SortedOnce>;
  /** End the worker without waiting for it (a run that failed before its save); idempotent. */
  close(): Promise<void>;
}

/**
 * Start sorting the non-NaN values of `arrays` on a worker thread (each array is copied to it;
 * the originals are not modified). Below THREAD_SORT_MIN_VALUES in total, or if the worker cannot
 * start, or with no core to spare (`spare`, default `hasSpareCore`: under load the worker's CPU would come out of
 * the main thread's share), nothing runs in the background and `collect` gives an empty SortedOnce.
 */
export function sortOnThread(
  arrays: readonly Float64Array[],
  spare: () => boolean = hasSpareCore,
): PendingSorts {
  const unique = [...new Set(arrays)];
  let total = 0;
  for (const a of unique) total += a.length;
  if (total < THREAD_SORT_MIN_VALUES || !spare()) return inline();
  let worker: Worker;
  try {
    const [url, opts] = workerScript(import.meta.url, 'sort-worker');
    worker = new Worker(url, opts);
  } catch {
    return inline();
  }
  // Never what keeps the process alive (a run that throws before its save leaves it unended).
  worker.unref();
  const once = new SortedOnce();
  // A few arrays in flight: the worker then holds IN_FLIGHT copies, not every column at once (all
  // 21 posted together raised the 1M run's peak RSS by ~80 MB), and still has the next ones queued
  // while this thread is busy (a synchronous fit) and cannot post more.
  const post = (id: number) => {
    posted++;
    const values = unique[id];
    // The worker sorts what it gets in place, so it must get a copy: a structured clone copies an
    // array that owns its whole ArrayBuffer; a view (the clone would copy the whole buffer) or
    // shared memory (the clone would share it) is copied here and transferred.
    const owns = values.byteOffset === 0 && values.byteLength === values.buffer.byteLength;
    if (owns && !(values.buffer instanceof SharedArrayBuffer)) worker.postMessage({ id, values });
    else {
      const copy = values.slice();
      worker.postMessage({ id, values: copy }, [copy.buffer]);
    }
  };
  let posted = 0;
  let received = 0;
  let collecting = false;
  const done = new Promise<void>((resolve) => {
    worker.on('message', (msg: { id: number; values: Float64Array; length: number }) => {
      once.put(unique[msg.id], msg.values.subarray(0, msg.length));
      received++;
      // Once the reader waits, the arrays not yet posted are left to it: it sorts them itself
      // (SortedOnce.get) rather than idle while the worker does them one by one.
      if (!collecting && posted < unique.length) post(posted);
      if (received === posted) resolve();
    });
    // A failed worker loses only time: what it did not sort is sorted on first `get`.
    worker.on('error', () => resolve());
    worker.on('exit', () => resolve());
  });
  for (let id = 0; id < Math.min(IN_FLIGHT, unique.length); id++) post(id);
  return {
    async collect() {
      collecting = true;
      if (received < posted) await done;
      await worker.terminate();
      return once;
    },
    async close() {
      collecting = true;
      await worker.terminate();
    },
  };
}

/** Nothing in the background: every array is sorted on its first `get`. */
function inline(): PendingSorts {
  return { collect: async () => new SortedOnce(), close: async () => {} };
}
