/**
 * Graceful shutdown: on SIGTERM or SIGINT stop accepting connections, let in-flight requests
 * finish (fastify answers new ones on kept-alive sockets with 503), run the onClose hooks —
 * which flush and close the prediction log — then resolve. A second signal, or `timeoutMs`
 * without progress, closes the remaining connections instead of waiting for them.
 */
import type { FastifyInstance } from 'fastify';

/** Which signals close the server, and how long in-flight requests may take before connections are cut. */
export interface ShutdownOptions {
  signals?: readonly NodeJS.Signals[];
  timeoutMs?: number;
}

/** Signal handlers installed on a server (`watchSignals`). */
export interface SignalWatch {
  /** Resolves with the signal once the server has closed on it. */
  readonly closed: Promise<NodeJS.Signals>;
  /** The signal that started closing the server; null before one came. */
  readonly signal: NodeJS.Signals | null;
  /** Removes the handlers (for a server closed another way). */
  stop(): void;
}

/** Resolves with the signal once the server has closed. */
export function closeOnSignals(app: FastifyInstance, opts: ShutdownOptions = {}): Promise<NodeJS.Signals> {
  return watchSignals(app, opts).closed;
}

/** Closes `app` gracefully on the first of `opts.signals`; the handlers go once it has closed, or on `stop()`. */
export function watchSignals(app: FastifyInstance, opts: ShutdownOptions = {}): SignalWatch {
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let started: NodeJS.Signals | null = null;
  const stop = () => {
    for (const s of signals) process.off(s, onSignal);
  };
  let settle: { resolve: (s: NodeJS.Signals) => void; reject: (e: unknown) => void };
  const closed = new Promise<NodeJS.Signals>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const force = () => app.server.closeAllConnections?.();
  function onSignal(sig: NodeJS.Signals) {
    if (started) {
      app.log.warn({ signal: sig }, 'second signal: closing open connections now');
      force();
      return;
    }
    started = sig;
    app.log.info({ signal: sig }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(force, opts.timeoutMs ?? 10_000);
    timer.unref();
    app.close().then(
      () => {
        clearTimeout(timer);
        stop();
        settle.resolve(sig);
      },
      (e) => {
        clearTimeout(timer);
        settle.reject(e);
      },
    );
  }
  for (const s of signals) process.on(s, onSignal);
  return {
    closed,
    get signal() {
      return started;
    },
    stop,
  };
}
