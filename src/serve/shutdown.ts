/**
 * Graceful shutdown: on SIGTERM or SIGINT stop accepting connections, let in-flight requests
 * finish (fastify answers new ones on kept-alive sockets with 503), run the onClose hooks —
 * which flush and close the prediction log — then resolve. A second signal, or `timeoutMs`
 * without progress, closes the remaining connections instead of waiting for them.
 */
import type { FastifyInstance } from 'fastify';

export interface ShutdownOptions {
  signals?: readonly NodeJS.Signals[];
  timeoutMs?: number;
}

/** Resolves with the signal once the server has closed. */
export function closeOnSignals(app: FastifyInstance, opts: ShutdownOptions = {}): Promise<NodeJS.Signals> {
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  return new Promise((resolve, reject) => {
    let started: NodeJS.Signals | null = null;
    const force = () => app.server.closeAllConnections?.();
    const onSignal = (sig: NodeJS.Signals) => {
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
          for (const s of signals) process.off(s, onSignal);
          resolve(sig);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
