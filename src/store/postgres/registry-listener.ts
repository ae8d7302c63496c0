/**
 * Registry change notifications over PostgreSQL's LISTEN/NOTIFY. Every committed registry write
 * transaction sends `NOTIFY tabflow_registry, '<schema>'` (PostgreSQL delivers it at COMMIT, never
 * for a rollback), so a serving node hears of a promotion made on any host within milliseconds
 * instead of at its next poll.
 *
 * The listener holds one dedicated connection (a pooled one would be handed back and lose its
 * LISTEN). When the server goes away it reconnects with a growing back-off, and on reconnecting
 * it reports a change: whatever was committed while it was deaf is then read by the usual check.
 * Polling stays on beside it, so a lost connection costs speed, never correctness.
 */
import pg from 'pg';
import type { RegistryWatch, WatchOptions } from '../registry-store.js';
import { type PgTarget, parsePgTarget } from './connection.js';

/** The channel every tabflow registry notifies on; the payload is the schema that changed. */
export const REGISTRY_CHANNEL = 'tabflow_registry';

/** Back-off between reconnection attempts, ms: doubles from the first to the last. */
const RECONNECT_MS = { first: 250, last: 10_000 };

/** What `listenForRegistryChanges` reports to. */
export interface RegistryListenOptions extends WatchOptions {
  /** Called after a change of this schema was committed, and after a reconnection. */
  onChange: () => void;
}

/**
 * Listen for committed writes to the registry a `postgres://…?schema=` URI names. Resolves once
 * the first LISTEN is in place (rejects when the server cannot be reached then).
 */
export async function listenForRegistryChanges(
  uri: string,
  o: RegistryListenOptions,
): Promise<RegistryWatch> {
  const t = parsePgTarget(uri);
  let client = await connectListening(t, o.onChange);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let backoff = RECONNECT_MS.first;

  const lost = (e?: Error) => {
    if (closed) return;
    o.onStatus?.({ listening: false, error: e?.message ?? 'connection ended' });
    client.removeAllListeners();
    client.on('error', () => {});
    void client.end().catch(() => {});
    schedule();
  };
  const schedule = () => {
    timer = setTimeout(async () => {
      try {
        const next = await connectListening(t, o.onChange);
        if (closed) {
          await next.end().catch(() => {});
          return;
        }
        client = next;
        watchEnd(client);
        backoff = RECONNECT_MS.first;
        o.onStatus?.({ listening: true });
        o.onChange(); // what was committed while deaf
      } catch {
        backoff = Math.min(backoff * 2, RECONNECT_MS.last);
        if (!closed) schedule();
      }
    }, backoff);
    timer.unref();
  };
  const watchEnd = (c: pg.Client) => {
    c.once('error', lost);
    c.once('end', () => lost());
  };
  watchEnd(client);

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    },
  };
}

async function connectListening(t: PgTarget, onChange: () => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: t.connectionString, connectionTimeoutMillis: 5000 });
  client.on('error', () => {}); // replaced by the caller's handler; never an unhandled 'error'
  try {
    await client.connect();
    client.on('notification', (n) => {
      if (n.channel === REGISTRY_CHANNEL && n.payload === t.schema) onChange();
    });
    await client.query(`LISTEN ${REGISTRY_CHANNEL}`);
    return client;
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
}
