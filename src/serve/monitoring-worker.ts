/**
 * The worker side of monitoring-thread.ts: `runMonitoring` (log reads, drift statistics,
 * live accuracy) for one job at a time, off the server's event loop. The model's reference
 * profile is read once per folder and kept while that folder is monitored.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import { readRunConfig } from '../artifacts/run-config.js';
import { TabflowError } from '../core/errors.js';
import { type MonitoredModel, monitoredModelOf, runMonitoring } from '../loop/monitoring.js';
import { resolveMonitoringConfig } from '../loop/monitoring-config.js';
import type { MonitoringJob } from './monitoring-thread.js';

const port = parentPort;
if (!port) throw new Error('monitoring-worker.ts runs as a worker thread');
let cached: { dir: string; model: MonitoredModel } | null = null;

// One job at a time, in arrival order: a report holds its window of rows in memory.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: { id: number; job: MonitoringJob }) => {
  queue = queue.then(() => handle(port, m));
});

async function handle(out: MessagePort, { id, job }: { id: number; job: MonitoringJob }): Promise<void> {
  try {
    if (cached?.dir !== job.dir) cached = { dir: job.dir, model: monitoredModelOf(job.dir) };
    // Thresholds: the server's --config, else the served run's own `monitoring` section.
    const cfg = job.cfg ?? resolveMonitoringConfig(readRunConfig(job.dir).monitoring ?? {});
    out.postMessage({ id, result: await runMonitoring(cached.model, job.logFile, cfg, job.query) });
  } catch (e) {
    const err = e as Error;
    const tabflow = e instanceof TabflowError ? { code: e.code } : null;
    out.postMessage({ id, error: { name: err.name, message: err.message, tabflow } });
  }
}
