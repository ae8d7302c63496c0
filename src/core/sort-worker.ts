/**
 * Worker side of sort-thread.ts: each message is one array (a copy, so it is sorted in place);
 * the sorted non-NaN values go back by transfer, so nothing is copied twice.
 */
import { parentPort } from 'node:worker_threads';
import { sortFloat64InPlace } from './sort.js';

parentPort?.on('message', (msg: { id: number; values: Float64Array }) => {
  const s = sortFloat64InPlace(msg.values);
  // NaN sorts last: the finite part is the prefix, as `sortedWithoutNaN` returns it.
  let m = s.length;
  while (m > 0 && Number.isNaN(s[m - 1])) m--;
  parentPort!.postMessage({ id: msg.id, values: s, length: m }, [s.buffer as ArrayBuffer]);
});
