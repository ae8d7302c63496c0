/**
 * `tabflow worker --queue redis://…`: take fit jobs until Ctrl-C or SIGTERM, then finish the
 * running job and leave (a killed worker's job is queued again after its lock expires).
 */
import { UsageError } from '../core/errors.js';
import { startFitWorker } from '../queue/fit-worker.js';
import { describeQueue, parseQueueUri } from '../queue/queue-uri.js';

export interface WorkerOptions {
  queue: string;
  queueName?: string;
  concurrency?: string;
  lockSeconds?: string;
}

export async function workerCommand(opts: WorkerOptions): Promise<number> {
  const concurrency = positive(opts.concurrency ?? '1', '--concurrency', true);
  const lockSeconds = positive(opts.lockSeconds ?? '30', '--lock-seconds', false);
  const worker = await startFitWorker(opts.queue, {
    queueName: opts.queueName,
    concurrency,
    lockSeconds,
    onJob: (e) => {
      if (e.type === 'start') process.stdout.write(`▶ ${e.name} (${e.model}) job ${e.id}\n`);
      else
        process.stdout.write(
          `${e.ok ? '✓' : '✗'} ${e.name} ${e.seconds.toFixed(2)} s${e.error ? `: ${e.error}` : ''}\n`,
        );
    },
  });
  process.stdout.write(
    `worker ${worker.id} on ${describeQueue(parseQueueUri(opts.queue))} queue ${opts.queueName ?? 'tabflow-fit'}: ${concurrency} job(s) at once; Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('stopping: finishing the running job…\n');
  await worker.close();
  return 0;
}

function positive(v: string, flag: string, integer: boolean): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      'bad_option',
      `${flag} ${JSON.stringify(v)} is not allowed: expected a positive ${integer ? 'integer' : 'number'}`,
    );
  }
  return n;
}
