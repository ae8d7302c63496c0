/**
 * `tabflow serve`: load a model folder, open the prediction log, listen, and close gracefully on
 * SIGTERM/SIGINT. Everything else lives in src/serve/ (createServer) and src/log/.
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { UsageError } from '../core/errors.js';
import { InferencePipeline } from '../inference/index.js';
import { PredictionLog } from '../log/index.js';
import { closeOnSignals, createServer, defaultLogPath, followPrimary, runWorkers } from '../serve/index.js';

export interface ServeOptions {
  model?: string;
  host?: string;
  port?: string;
  logDb?: string;
  /** false with --no-log. */
  log?: boolean;
  logLevel?: string;
  bodyLimit?: string;
  workers?: string;
  /** false with --no-micro-batch. */
  microBatch?: boolean;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export async function serveCommand(opts: ServeOptions): Promise<number> {
  const dir = opts.model ?? 'models/production';
  const host = opts.host ?? '127.0.0.1';
  const port = intOption('--port', opts.port ?? '8080', 0, 65535);
  const bodyLimit = intOption('--body-limit', opts.bodyLimit ?? String(1024 * 1024), 1, 1 << 30);
  const level = opts.logLevel ?? 'info';
  if (!LEVELS.includes(level)) {
    throw new UsageError(
      'bad_log_level',
      `--log-level ${JSON.stringify(level)} is not allowed: expected one of ${LEVELS.join(', ')}`,
    );
  }
  const workers = intOption('--workers', opts.workers ?? '1', 1, 64);
  if (workers > 1 && cluster.isPrimary) {
    // Fail here, once, on a model that does not load, rather than in every worker.
    const p = InferencePipeline.load(dir);
    const say = (line: string) => process.stderr.write(`tabflow serve: ${line}\n`);
    return runWorkers(workers, say, `${workers} workers for ${p.modelName} (run ${p.runId})`);
  }
  const primary = cluster.isWorker ? followPrimary() : undefined;
  const pipeline = InferencePipeline.load(dir);
  // Asynchronous writes to stdout: lines written while one write is pending go out together,
  // instead of one blocking write per request.
  const logger = pino(
    { level, base: { service: 'tabflow', run_id: pipeline.runId } },
    pino.destination({ dest: 1, sync: false }),
  );
  const logFile = opts.log === false ? null : resolve(opts.logDb ?? defaultLogPath(dir));
  const log = logFile
    ? new PredictionLog(logFile, { onError: (e) => logger.error({ err: e }, 'prediction log flush failed') })
    : null;
  const app = await createServer({ pipeline, log, logger, bodyLimit, microBatch: opts.microBatch !== false });
  const closed = closeOnSignals(app);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await app.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      throw new UsageError(
        'cannot_listen',
        `Cannot listen on ${host}:${port} (${err.code}); choose another --host or --port`,
      );
    }
    throw e;
  }
  primary?.ready();
  const addr = app.server.address();
  const url =
    typeof addr === 'object' && addr ? `http://${fmtHost(addr.address)}:${addr.port}` : String(addr);
  // With --workers, the first worker speaks for all of them.
  if (!cluster.isWorker || process.env.TABFLOW_WORKER === '1') {
    process.stderr.write(
      `tabflow serve: ${pipeline.modelName} (run ${pipeline.runId}) at ${url}\n` +
        `  docs ${url}/docs · prediction log ${logFile ?? 'off (--no-log)'} · Ctrl-C to stop\n`,
    );
  } else {
    process.stderr.write(`tabflow serve: worker ${process.env.TABFLOW_WORKER} ready\n`);
  }
  const signal = await closed;
  const who = cluster.isWorker ? `worker ${process.env.TABFLOW_WORKER} ` : '';
  const logged = log ? `, ${log.writtenCount} predictions logged` : '';
  process.stderr.write(`tabflow serve: ${who}stopped on ${signal}${logged}\n`);
  logger.flush();
  // The IPC channel to the primary would keep a worker alive.
  if (cluster.isWorker) process.disconnect?.();
  return 0;
}

function intOption(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      'bad_option',
      `${flag} ${JSON.stringify(text)} is not allowed: expected an integer in [${min}, ${max}]`,
    );
  }
  return n;
}

function fmtHost(a: string): string {
  return a.includes(':') ? `[${a}]` : a;
}
