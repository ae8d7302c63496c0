/**
 * The `postgres:` artifact store: blobs as bytea rows keyed by sha256, cut into chunks of
 * CHUNK_BYTES (a model of tens of MB streams in without one huge value or one huge buffer).
 *
 * A put writes its chunks under a fresh upload number and, in the same transaction, the blob's
 * row; readers find a blob only through that row, so until the commit nothing is visible, and a
 * put killed half-way rolls back. Two hosts putting the same bytes at once: the second blob row
 * waits on the first's key, finds it and rolls its own chunks back.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ArtifactError } from '../../../core/errors.js';
import { isConnectionError, unavailable } from '../../store-outage.js';
import type { ArtifactStore, BlobInput, PutResult } from '../artifact-store.js';
import {
  blobMissing,
  checkBlobKey,
  checkRefName,
  chunksOf,
  refConflict,
  sha256Hex,
  verifyBlob,
} from '../blob-keys.js';
import { openPgPool } from './pool.js';
import { migrate } from './schema.js';

/** Largest bytea value one chunk row holds. */
export const CHUNK_BYTES = 1 << 20;

/** A content-addressed blob store in a PostgreSQL schema. */
export class PgArtifactStore implements ArtifactStore {
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly s: string;
  private closed = false;

  private constructor(pool: pg.Pool, schema: string, location: string) {
    this.pool = pool;
    this.s = schema;
    this.location = location;
  }

  /** Connect to `uri` (`postgres://…?schema=…`), create or migrate the tables; `key` names it in errors. */
  static async open(uri: string, key = 'storage.artifacts'): Promise<PgArtifactStore> {
    const t = await openPgPool(key, uri);
    try {
      await migrate(t.pool, t.schema, t.location);
    } catch (e) {
      await t.pool.end().catch(() => {});
      throw e;
    }
    return new PgArtifactStore(t.pool, t.schema, t.location);
  }

  /** `fn`, a failure to reach the server named (`store_unavailable`, naming this store). */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw unavailable('artifacts', this.location, e);
    }
  }

  put(data: BlobInput): Promise<PutResult> {
    return this.guard(() => this.putOnce(data));
  }

  private async putOnce(data: BlobInput): Promise<PutResult> {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      const sha256 = sha256Hex(bytes);
      if (await this.has(sha256)) return { sha256, bytes: bytes.length, created: false };
    }
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const r = await this.writeChunks(c, data);
      const ins = await c.query(
        `INSERT INTO ${this.s}.artifact_blobs (sha256, bytes, upload, chunks) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO NOTHING`,
        [r.sha256, r.bytes, r.upload, r.chunks],
      );
      const created = ins.rowCount === 1;
      // Already stored (by another put meanwhile): this upload's chunks are not needed.
      await c.query(created ? 'COMMIT' : 'ROLLBACK');
      return { sha256: r.sha256, bytes: r.bytes, created };
    } catch (e) {
      if (isConnectionError(e)) broken = e as Error;
      else await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      // A connection the server ended is dropped, not handed to the next put.
      c.release(broken);
    }
  }

  /** The input's bytes as chunk rows under a new upload number, hashed on the way. */
  private async writeChunks(c: pg.PoolClient, data: BlobInput) {
    const seq = await c.query(`SELECT nextval('${this.s}.artifact_upload_seq') AS n`);
    const upload = String(seq.rows[0].n);
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    for await (const piece of rechunk(chunksOf(data), CHUNK_BYTES)) {
      hash.update(piece);
      bytes += piece.length;
      await c.query(`INSERT INTO ${this.s}.artifact_chunks (upload, idx, data) VALUES ($1, $2, $3)`, [
        upload,
        chunks++,
        piece,
      ]);
    }
    return { sha256: hash.digest('hex'), bytes, upload, chunks };
  }

  async get(sha256: string): Promise<Buffer> {
    checkBlobKey(sha256);
    return this.guard(() => this.getOnce(sha256));
  }

  private async getOnce(sha256: string): Promise<Buffer> {
    const r = await this.pool.query(
      `SELECT bytes, upload, chunks FROM ${this.s}.artifact_blobs WHERE sha256 = $1`,
      [sha256],
    );
    if (!r.rows.length) throw blobMissing(sha256, this.location);
    const { upload, chunks } = r.rows[0] as { upload: string; chunks: number };
    const parts: Buffer[] = [];
    for (let idx = 0; idx < chunks; idx++) {
      const q = await this.pool.query(
        `SELECT data FROM ${this.s}.artifact_chunks WHERE upload = $1 AND idx = $2`,
        [upload, idx],
      );
      if (!q.rows.length) {
        throw new ArtifactError(
          'blob_corrupt',
          `blob ${sha256} in ${this.location} is corrupt: chunk ${idx} of ${chunks} is missing; it is not used`,
        );
      }
      parts.push(q.rows[0].data as Buffer);
    }
    return verifyBlob(Buffer.concat(parts), sha256, `blob ${sha256} in ${this.location}`);
  }

  async has(sha256: string): Promise<boolean> {
    checkBlobKey(sha256);
    const r = await this.guard(() =>
      this.pool.query(`SELECT 1 FROM ${this.s}.artifact_blobs WHERE sha256 = $1`, [sha256]),
    );
    return r.rows.length > 0;
  }

  async setRef(name: string, sha256: string): Promise<void> {
    checkRefName(name);
    if (!(await this.has(sha256))) throw blobMissing(sha256, this.location);
    const ins = await this.guard(() =>
      this.pool.query(
        `INSERT INTO ${this.s}.artifact_refs (name, sha256) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
        [name, sha256],
      ),
    );
    if (ins.rowCount === 1) return;
    const held = await this.getRef(name);
    if (held !== sha256) throw refConflict(name, String(held), sha256, this.location);
  }

  async getRef(name: string): Promise<string | null> {
    checkRefName(name);
    const r = await this.guard(() =>
      this.pool.query(`SELECT sha256 FROM ${this.s}.artifact_refs WHERE name = $1`, [name]),
    );
    return r.rows.length ? String(r.rows[0].sha256) : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** Re-cut a byte stream into pieces of `size` bytes (the last one shorter). */
async function* rechunk(src: AsyncIterable<Uint8Array>, size: number): AsyncIterable<Buffer> {
  let pending: Buffer[] = [];
  let held = 0;
  for await (const c of src) {
    let buf = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    while (held + buf.length >= size) {
      const take = size - held;
      pending.push(buf.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      held = 0;
      buf = buf.subarray(take);
    }
    if (buf.length) {
      // Copied: the caller may reuse its buffer once the next chunk is asked for.
      pending.push(Buffer.from(buf));
      held += buf.length;
    }
  }
  if (held) yield Buffer.concat(pending);
}
