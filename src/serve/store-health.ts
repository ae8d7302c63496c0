/**
 * What `/ready` asks of the stores behind the server: a round trip to the prediction log's store
 * and, when the registry lives in a database server (the storage setting), to the registry.
 * A store that does not answer makes the server not ready (503) — it keeps serving, and the
 * log keeps the rows it could not write in its buffer — and ready again by itself once the
 * store answers: the pool reconnects, and a registry that could not be opened is opened again
 * at the next check.
 */
import type { PredictionLog } from '../log/prediction-log.js';
import { openStores } from '../store/open-stores.js';
import type { RegistryStore } from '../store/registry-store.js';
import { configuredStore } from '../store/storage-setting.js';

/** One store `/ready` checks. */
export interface StoreCheck {
  readonly name: 'registry' | 'log';
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  /** Release what the check holds (called when the server closes). */
  close(): Promise<void>;
}

/** A store's state as `/ready` reports it. */
export type StoreState = { ok: true } | { ok: false; error: string };

/** How long `/ready` waits for a store before counting it as down, ms. */
export const STORE_CHECK_TIMEOUT_MS = 2000;

/** The log's store, through the log. */
export function logCheck(log: PredictionLog): StoreCheck {
  return { name: 'log', ping: () => log.ping(), close: async () => {} };
}

/**
 * The registry named by the storage setting, when it is a server's (an embedded registry file is
 * read on demand by the routes that use it, and needs no check); null otherwise.
 */
export function registryCheck(): StoreCheck | null {
  const uri = configuredStore('registry');
  if (!uri || uri.startsWith('sqlite:')) return null;
  let store: Promise<RegistryStore> | null = null;
  const opened = () => {
    store ??= openStores({ registry: uri }).then((s) => s.registry);
    // A failed open is tried again by the next check.
    store.catch(() => {
      store = null;
    });
    return store;
  };
  return {
    name: 'registry',
    ping: async () => (await opened()).ping(),
    close: async () => {
      const s = await store?.catch(() => null);
      await s?.close();
    },
  };
}

/** Every check's state, each given at most `timeoutMs`. */
export async function checkStores(
  checks: readonly StoreCheck[],
  timeoutMs = STORE_CHECK_TIMEOUT_MS,
): Promise<Record<string, StoreState>> {
  const states = await Promise.all(
    checks.map(async (c): Promise<[string, StoreState]> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([c.ping(), late]);
        return [c.name, { ok: true }];
      } catch (e) {
        return [c.name, { ok: false, error: (e as Error).message }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(states);
}
