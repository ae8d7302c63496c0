/**
 * Worker side of predict-thread.ts: waits for a posted job, takes blocks of its rows from the
 * shared counter and runs the tree kernel on them in the bank's shared memory, signals done.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { P, runBlock, SCALE_AT } from './predict-thread.js';
import { type TreeKernel, treeKernelOn } from './tree-pack.js';

const c = new Int32Array(workerData.ctrl as SharedArrayBuffer, 0, P.size);
const scale = new Float64Array(c.buffer, SCALE_AT, 1);
let bank = 0;
let fn: TreeKernel['predict_trees'] | null = null;

/** The kernel over bank `id`'s memory, posted by the main thread before the job that names it. */
function kernelFor(id: number): TreeKernel['predict_trees'] {
  if (fn && bank === id) return fn;
  for (;;) {
    const m = parentPort && receiveMessageOnPort(parentPort);
    if (!m) throw new Error(`predict thread: bank ${id} was not posted`);
    const msg = m.message as { bank: number; memory: WebAssembly.Memory };
    if (msg.bank !== id) continue;
    const k = treeKernelOn(msg.memory);
    if (!k) throw new Error('predict thread: no WebAssembly kernel');
    bank = id;
    fn = k.predict_trees;
    return fn;
  }
}

function job(): void {
  const f = kernelFor(c[P.bank]);
  const s = scale[0];
  for (let b = Atomics.add(c, P.next, 1); b < c[P.blocks]; b = Atomics.add(c, P.next, 1)) {
    runBlock(f, c, s, b);
    Atomics.add(c, P.workerBlocks, 1);
  }
}

if (treeKernelOn(new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true })))
  Atomics.store(c, P.ready, 1);
let seen = 0;
for (;;) {
  Atomics.wait(c, P.posted, seen);
  const seq = Atomics.load(c, P.posted);
  if (seq === seen) continue;
  seen = seq;
  if (Atomics.load(c, P.exit)) break;
  // The main thread finishes the job itself when we come too late.
  if (Atomics.compareExchange(c, P.claimed, seq - 1, seq) !== seq - 1) continue;
  try {
    job();
  } catch {
    c[P.failed] = 1;
  }
  Atomics.store(c, P.done, seq);
  Atomics.notify(c, P.done);
}
