/**
 * Worker-thread entry (Piscina) for cross-validation: runs one fit job and sends back its
 * outcome (predictions, importances, and the model as JSON for final refits). The job's matrices
 * live in shared memory, so posting a job copies no rows.
 */
import { Piscina } from 'piscina';
import { skipDeflateInThisThread } from '../../core/codec.js';
import '../../models/index.js';
import { type FitJob, type FitResult, runFitJob } from './fit-job.js';

// Models travel to the main thread as JSON and are loaded back there; it deflates what it saves.
skipDeflateInThisThread();

export default async function run(
  task: { job: FitJob; keep: 'json' | 'none' } | { kind: 'ping' },
): Promise<unknown> {
  if ('kind' in task) return null;
  const result = await runFitJob(task.job, task.keep);
  const buffers = [result.pred, result.importances, ...(result.predictions ?? [])]
    .filter((a): a is Float64Array => a !== undefined && a.buffer instanceof ArrayBuffer)
    .map((a) => a.buffer as ArrayBuffer);
  const movable = { [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: result as FitResult };
  // Piscina types its symbols as unique; the getters used here are typed as plain symbols.
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}
