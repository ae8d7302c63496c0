/**
 * The `--queue` URI: `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS), turned
 * into ioredis options. BullMQ needs `maxRetriesPerRequest: null` on its connections: a command
 * waits for Redis to come back instead of failing the job after a few retries.
 */
import type { RedisOptions } from 'bullmq';
import { UsageError } from '../core/errors.js';

/** A parsed queue URI: where Redis is and which of its databases to use. */
export interface QueueAddress {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
}

/** Parse `uri` (named `key` in errors: `--queue`, `training.queue`). */
export function parseQueueUri(uri: string, key = '--queue'): QueueAddress {
  const bad = (why: string): never => {
    throw new UsageError(
      'bad_queue_uri',
      `${key} ${JSON.stringify(uri)} is not allowed: ${why}; expected redis://host[:port][/db], e.g. redis://127.0.0.1:6379/0`,
    );
  };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return bad('not a URI');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    bad(`the scheme ${url.protocol} is not redis: or rediss:`);
  if (!url.hostname) bad('no host');
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0 || db > 15)
    bad(`the database ${JSON.stringify(path)} is not an integer from 0 to 15`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    db,
    tls: url.protocol === 'rediss:',
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/** ioredis options for a BullMQ connection to `a`. */
export function redisOptions(a: QueueAddress): RedisOptions {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    ...(a.username ? { username: a.username } : {}),
    ...(a.password ? { password: a.password } : {}),
    ...(a.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect with a capped backoff for as long as it takes: a Redis restart is not fatal.
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/** `host:port/db`, for messages (never the password). */
export function describeQueue(a: QueueAddress): string {
  return `${a.tls ? 'rediss' : 'redis'}://${a.host}:${a.port}/${a.db}`;
}
