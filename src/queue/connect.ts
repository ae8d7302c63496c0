/**
 * Connections to the queue's Redis: one ioredis client, checked with a PING before any work is
 * queued, so an unreachable Redis is a clear error naming the URI instead of a hang (BullMQ's
 * connections wait for Redis forever by design).
 */
import { Redis } from 'ioredis';
import { UsageError } from '../core/errors.js';
import { describeQueue, parseQueueUri, type QueueAddress, redisOptions } from './queue-uri.js';

/** How long the first PING may take. */
const CONNECT_TIMEOUT_MS = 5000;

/** A connected client and the address it came from. */
export interface QueueConnection {
  readonly address: QueueAddress;
  readonly redis: Redis;
}

/** Connect to the Redis of `uri` (named `key` in errors) and check that it answers. */
export async function connectQueue(uri: string, key = '--queue'): Promise<QueueConnection> {
  const address = parseQueueUri(uri, key);
  const redis = new Redis({ ...redisOptions(address), lazyConnect: true });
  // ioredis reports connection errors as events; the PING below is what decides.
  redis.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${CONNECT_TIMEOUT_MS / 1000} s`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (e) {
    redis.disconnect();
    throw new UsageError(
      'queue_unreachable',
      `${key} ${describeQueue(address)}: Redis does not answer (${e instanceof Error ? e.message : String(e)}); start it or fix the URI`,
    );
  } finally {
    clearTimeout(timer);
  }
  return { address, redis };
}
