/**
 * The worker side of monitoring-thread.ts: `runMonitoring` (SQLite reads, drift statistics,
 * live accuracy) for one job at a time, off the server's event loop. The model's reference
 * profile is read once per folder and kept while that folder is monitored.
 */
import { parentPort } from 'node:worker_threads';
import { readRunConfig } from '../artifacts/run-config.js';
import { TabflowError } from '../core/errors.js';
import { type MonitoredModel, monitoredModelOf, runMonitoring } from '../loop/monitoring.js';
import { resolveMonitoringConfig } from '../loop/monitoring-config.js';
import type { MonitoringJob } from './monitoring-thread.js';

const port = parentPort;
if (!port) throw new Error('monitoring-worker.ts runs as a worker thread');
let cached: { dir: string; model: MonitoredModel } | null = null;

port.on('message', ({ id, job }: { id: number; job: MonitoringJob }) => {
  try {
    if (cached?.dir !== job.dir) cached = { dir: job.dir, model: monitoredModelOf(job.dir) };
    // Thresholds: the server's --config, else the served run's own `monitoring` section.
    const cfg = job.cfg ?? resolveMonitoringConfig(readRunConfig(job.dir).monitoring ?? {});
    port.postMessage({ id, result: runMonitoring(cached.model, job.logFile, cfg, job.query) });
  } catch (e) {
    const err = e as Error;
    const tabflow = e instanceof TabflowError ? { code: e.code } : null;
    port.postMessage({ id, error: { name: err.name, message: err.message, tabflow } });
  }
});
