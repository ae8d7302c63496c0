/**
 * Tests that need the Redis service (127.0.0.1:6379, or TABFLOW_TEST_REDIS): skipped with a reason
 * when it does not answer, unless TABFLOW_REQUIRE_SERVICES=1 (set by .ci/run), where that fails.
 */
import { Redis } from 'ioredis';

/** The Redis the tests use. */
export const TEST_REDIS = process.env.TABFLOW_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';

/** `false` when Redis answers; else the reason to skip (or an Error when services are required). */
export async function redisSkip(): Promise<false | string> {
  const redis = new Redis(TEST_REDIS, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return false;
  } catch (e) {
    const why = `Redis at ${TEST_REDIS} does not answer (${e instanceof Error ? e.message : String(e)})`;
    if (process.env.TABFLOW_REQUIRE_SERVICES === '1')
      throw new Error(`${why} and TABFLOW_REQUIRE_SERVICES=1`);
    return `${why}: start it with redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`;
  } finally {
    redis.disconnect();
  }
}

/** Delete every key of the queue `name` (BullMQ's and the blobs). */
export async function dropQueue(name: string): Promise<void> {
  const redis = new Redis(TEST_REDIS);
  try {
    for (const pattern of [`bull:${name}:*`, `tabflow:${name}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
