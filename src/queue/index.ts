/**
 * Distributed training over a BullMQ queue on Redis: `openQueueRunner` (the trainer's side: pass
 * it to `TrainingPipeline` as `runner`) and `startFitWorker` (`tabflow worker`).
 */
export { type FitWorker, type FitWorkerOptions, startFitWorker, type WorkerJobEvent } from './fit-worker.js';
export { describeProgress, type QueueProgress, type WorkerCounts } from './progress.js';
export {
  DEFAULT_QUEUE_NAME,
  openQueueRunner,
  type QueueRunner,
  type QueueRunnerOptions,
} from './queue-runner.js';
