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
 */
import cluster, { type Worker } from 'node:cluster';

export const SHUTDOWN_MESSAGE = 'tabflow:shutdown';
export const RELOAD_MESSAGE = 'tabflow:reload';

/** `banner` is said once the signal handlers are in place, so a caller that reacts to it cannot race them. */
export function runWorkers(n: number, say: (line: string) => void, banner?: string): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let failed = false;
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
      w.on('message', (m) => {
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
}

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
  };
}
