/**
 * `tabflow serve --workers N`: a primary process that forks N servers sharing one port (node's
 * cluster module hands connections out round-robin) and coordinates their shutdown. Workers
 * load the model themselves and write to the same prediction log (SQLite serialises the batched
 * writes of several processes).
 *
 * Shutdown: SIGTERM or SIGINT at the primary → every worker is asked over IPC to close
 * gracefully (finish in-flight requests, flush its log); a second signal is forwarded as SIGTERM,
 * which a closing worker takes as "close the remaining connections now". A worker that dies
 * while serving is replaced; one that dies before it ever listened stops the whole server.
 *
 * Reload: a worker that reloaded on an admin request (`POST /admin/reload`, `/admin/promote`)
 * says so over IPC, and the primary passes it on to every other worker, so one request moves
 * them all at once instead of each at its next poll.
 *
 * Metrics: the worker that gets `GET /metrics` asks the primary, which gathers every worker's
 * registry (prom-client's AggregatorRegistry) and answers with the aggregate: counters summed
 * over workers, gauges combined by their `aggregator`, runtime metrics of each worker combined
 * the same way (process CPU summed, event-loop lag averaged). The primary's own process is not
 * in it.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { ClusterMetrics } from './metrics.js';

/** IPC message from the primary: close gracefully. */
export const SHUTDOWN_MESSAGE = 'tabflow:shutdown';
/** IPC message both ways: a worker reloaded on an admin request; the others reload too. */
export const RELOAD_MESSAGE = 'tabflow:reload';
const METRICS_REQUEST = 'tabflow:metrics';
const METRICS_RESPONSE = 'tabflow:metrics-response';
/** A worker waits this long for the aggregate (prom-client gives up on a silent worker after 5 s). */
const METRICS_TIMEOUT_MS = 6000;

type MetricsMessage = { type: typeof METRICS_REQUEST; id: number };
type MetricsAnswer = { type: typeof METRICS_RESPONSE; id: number; text?: string; error?: string };

/** `banner` is said once the signal handlers are in place, so a caller that reacts to it cannot race them. */
export function runWorkers(n: number, say: (line: string) => void, banner?: string): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let failed = false;
    const aggregator = new AggregatorRegistry();
    const alive = new Set<Worker>();
    const listening = new WeakSet<Worker>();
    const done = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(failed ? 1 : 0);
    };
    const fork = (slot: number) => {
      const w = cluster.fork({ TABFLOW_WORKER: String(slot) });
      alive.add(w);
      w.on('message', (m: MetricsMessage | unknown) => {
        if ((m as MetricsMessage)?.type === METRICS_REQUEST) {
          const id = (m as MetricsMessage).id;
          const answer = (a: Omit<MetricsAnswer, 'type' | 'id'>) => {
            if (w.isConnected()) w.send({ type: METRICS_RESPONSE, id, ...a });
          };
          aggregator.clusterMetrics().then(
            (text) => answer({ text }),
            (e: Error) => answer({ error: e.message }),
          );
          return;
        }
        if (m !== RELOAD_MESSAGE) return;
        for (const other of alive) if (other !== w && other.isConnected()) other.send(RELOAD_MESSAGE);
      });
      w.on('listening', () => {
        listening.add(w);
        // A stop request sent while this worker was still starting may have found no listener.
        if (stopping && w.isConnected()) w.send(SHUTDOWN_MESSAGE);
      });
      w.on('exit', (code, signal) => {
        alive.delete(w);
        if (!stopping) {
          if (!listening.has(w)) {
            say(`worker ${slot} failed to start (${signal ?? `exit ${code}`}); stopping`);
            failed = true;
            stopAll();
          } else {
            say(`worker ${slot} died (${signal ?? `exit ${code}`}); starting a new one`);
            fork(slot);
          }
        } else if (code !== 0) failed = true;
        if (stopping && alive.size === 0) done();
      });
    };
    const stopAll = () => {
      stopping = true;
      for (const w of alive) if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
      if (alive.size === 0) done();
    };
    const onSignal = () => {
      if (!stopping) return stopAll();
      for (const w of alive) w.process.kill('SIGTERM');
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (banner) say(banner);
    for (let i = 1; i <= n; i++) fork(i);
  });
}

/**
 * In a worker: the primary decides when to stop. SIGINT from a terminal (sent to the whole
 * process group) is ignored here; the primary's IPC message starts a graceful close, delivered
 * as one SIGTERM to the worker's own shutdown handler. A request to stop that arrives while the
 * worker is still loading its model is held until `ready()` (its server listens and its
 * shutdown handler is installed) — delivered earlier, nobody would act on it and the primary
 * would wait for that worker forever.
 */
export interface PrimaryLink {
  /** The server listens and handles SIGTERM: a held stop request is delivered now. */
  ready(): void;
  /** Run `reload` whenever another worker reloaded on an admin request. */
  onReload(reload: () => void): void;
  /** Tell the other workers (through the primary) that this one reloaded on an admin request. */
  announceReload(): void;
  /** /metrics for every worker, through the primary. */
  metrics: ClusterMetrics;
}

/** In a worker: the link to the primary (stop requests, reloads of other workers, /metrics of all). */
export function followPrimary(): PrimaryLink {
  let isReady = false;
  let pending = false;
  let delivered = false;
  const deliver = () => {
    if (delivered) return;
    delivered = true;
    process.emit('SIGTERM', 'SIGTERM');
  };
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {
    if (!isReady) pending = true;
    else delivered = true;
  });
  process.on('message', (m) => {
    if (m !== SHUTDOWN_MESSAGE) return;
    if (isReady) deliver();
    else pending = true;
  });
  return {
    ready() {
      isReady = true;
      if (pending) deliver();
    },
    onReload(reload) {
      process.on('message', (m) => {
        if (m === RELOAD_MESSAGE) reload();
      });
    },
    announceReload() {
      if (process.connected) process.send?.(RELOAD_MESSAGE);
    },
    metrics: workerMetrics(),
  };
}

/** A worker's side of the metrics exchange: share its registry, ask the primary for the aggregate. */
function workerMetrics(): ClusterMetrics {
  let seq = 0;
  const waiting = new Map<number, { resolve: (t: string) => void; reject: (e: Error) => void }>();
  process.on('message', (m: MetricsAnswer | unknown) => {
    const a = m as MetricsAnswer;
    if (a?.type !== METRICS_RESPONSE) return;
    const w = waiting.get(a.id);
    waiting.delete(a.id);
    if (a.error !== undefined) w?.reject(new Error(`the primary could not gather metrics: ${a.error}`));
    else w?.resolve(a.text ?? '');
  });
  return {
    share(registry: Registry) {
      // Constructed in a worker, it answers the primary's requests with the registries set here.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries(registry);
    },
    collect() {
      if (!process.connected) return Promise.reject(new Error('no primary to ask'));
      const id = ++seq;
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`no answer from the primary in ${METRICS_TIMEOUT_MS} ms`));
        }, METRICS_TIMEOUT_MS);
        const done =
          <T>(f: (x: T) => void) =>
          (x: T) => {
            clearTimeout(timer);
            f(x);
          };
        waiting.set(id, { resolve: done(resolve), reject: done(reject) });
        process.send?.({ type: METRICS_REQUEST, id });
      });
    },
  };
}
