/**
 * The worker side of explain threads, for the server (serve/explain-thread.ts) and for batch
 * prediction (explain-pool.ts): load an artifact folder once, then answer one message at a time —
 *   {id, records, opts}             → predict(records, opts), explanations included (server)
 *   {id, kind: 'matrix', X, first}  → explainMatrix(X, first): rows of a model matrix (batch)
 * Both run the same code on the same artifacts as the caller's own thread would, so the numbers
 * are the same. Loading failures and thrown errors go back as messages; the caller then does the
 * work on its own thread, where an error takes its usual form.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferencePipeline, type PredictOptions } from './inference-pipeline.js';

/** Rows of a model matrix to explain; `first` is the number of its first row in the batch. */
export interface MatrixJob {
  id: number;
  kind: 'matrix';
  rows: number;
  cols: number;
  data: Float64Array;
  first: number;
}

interface PredictJob {
  id: number;
  kind?: undefined;
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
port.on('message', (job: PredictJob | MatrixJob) => {
  try {
    if (job.kind === 'matrix') {
      const a = pipeline.explainMatrix({ rows: job.rows, cols: job.cols, data: job.data }, job.first);
      port.postMessage({ type: 'done', id: job.id, attributions: a }, [a.values.buffer as ArrayBuffer]);
    } else {
      port.postMessage({ type: 'done', id: job.id, results: pipeline.predict(job.records, job.opts) });
    }
  } catch (e) {
    port.postMessage({ type: 'error', id: job.id, message: (e as Error).message });
  }
});
