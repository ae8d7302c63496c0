/**
 * The worker side of explain-thread.ts: load the served artifact folder and answer predict calls
 * (with explanations) one message at a time. Loading failures and thrown errors go back as
 * messages; the server then scores on its own thread, where the error takes its usual form.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferencePipeline } from '../inference/inference-pipeline.js';
import type { PredictOptions } from './pipeline-port.js';

interface Job {
  id: number;
  records: Record<string, unknown>[];
  opts: PredictOptions;
}

const port = parentPort;
if (!port) throw new Error('explain-worker.ts runs as a worker thread');
let pipeline: InferencePipeline;
try {
  pipeline = InferencePipeline.load((workerData as { dir: string }).dir);
  port.postMessage({ type: 'ready' });
} catch (e) {
  port.postMessage({ type: 'failed', message: (e as Error).message });
  process.exit(0);
}
port.on('message', (job: Job) => {
  try {
    port.postMessage({ type: 'done', id: job.id, results: pipeline.predict(job.records, job.opts) });
  } catch (e) {
    port.postMessage({ type: 'error', id: job.id, message: (e as Error).message });
  }
});
