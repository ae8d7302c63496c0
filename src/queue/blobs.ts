/**
 * Content-addressed blobs in Redis: the data plane of distributed training. A fold's matrices are
 * put once, under the sha256 of their bytes, and every job on that fold names them by hash, so the
 * rows travel to each worker once (its cache keeps them), never once per job. Results too large
 * for a job's return value (a fitted model) come back the same way. Every read checks the hash.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ArtifactError } from '../core/errors.js';

/** How long a blob outlives its last write: a run that takes longer re-puts what it still needs. */
const TTL_S = 24 * 3600;

/** The sha256 (hex) of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Blobs under `<prefix>:blob:<sha256>` in one Redis database. */
export class RedisBlobs {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  private key(sha: string): string {
    return `${this.prefix}:blob:${sha}`;
  }

  /** Store `bytes` (idempotent: the same bytes are one blob) and return their sha256. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha = sha256Hex(bytes);
    // SET NX: a blob already there is left alone (its bytes are the same), only its expiry renewed.
    const set = await this.redis.set(this.key(sha), Buffer.from(bytes), 'EX', TTL_S, 'NX');
    if (set === null) await this.redis.expire(this.key(sha), TTL_S);
    return sha;
  }

  /** The bytes of blob `sha`, checked against their hash; `what` names it in errors. */
  async get(sha: string, what: string): Promise<Buffer> {
    const bytes = await this.redis.getBuffer(this.key(sha));
    if (bytes === null) {
      throw new ArtifactError(
        'blob_missing',
        `${what}: blob ${sha} is not in the queue's Redis (expired, evicted or deleted); run the training again`,
      );
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha) {
      throw new ArtifactError(
        'blob_corrupt',
        `${what}: blob ${sha} holds bytes whose sha256 is ${actual}; refusing to use it`,
      );
    }
    return bytes;
  }

  /** Delete blobs (those a finished run put). */
  async delete(shas: readonly string[]): Promise<void> {
    if (shas.length) await this.redis.unlink(...shas.map((s) => this.key(s)));
  }
}
