/**
 * The `file:` artifact store: a folder of blobs named by their sha256, as git's loose objects.
 *
 *   <root>/blobs/<first 2 hex digits>/<sha256>   the bytes, never changed once written
 *   <root>/refs/<kind>/<name>                    the sha256 a ref points at, one line
 *   <root>/tmp/                                  writes in progress (temp + fsync + rename)
 *
 * A blob is written under a temporary name in <root>/tmp (same file system), flushed and linked
 * into place, so a reader finds the whole blob or none. link(2) fails when the name exists: of
 * two puts of the same bytes one creates the blob, and of two publishers of one ref with
 * different manifests one wins and the other gets ref_conflict.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { link, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** A content-addressed blob store in a local (or mounted) folder. */
export class FileArtifactStore implements ArtifactStore {
  readonly location: string;
  /** The store's folder. */
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
    this.location = `file:${root}`;
  }

  /** The store in folder `root` (an absolute path), created when missing. */
  static async open(root: string): Promise<FileArtifactStore> {
    await mkdir(join(root, 'tmp'), { recursive: true });
    return new FileArtifactStore(root);
  }

  /** Where blob `sha256` is (or would be) stored. */
  blobPath(sha256: string): string {
    return join(this.root, 'blobs', sha256.slice(0, 2), sha256);
  }

  async put(data: BlobInput): Promise<PutResult> {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      const sha256 = sha256Hex(bytes);
      if (await this.has(sha256)) return { sha256, bytes: bytes.length, created: false };
    }
    const tmp = this.tmpPath();
    try {
      const { sha256, bytes } = await writeHashed(tmp, data);
      const dest = this.blobPath(sha256);
      await mkdir(dirname(dest), { recursive: true });
      try {
        // link(2), not rename: it fails when another put got there first, so exactly one creates.
        await link(tmp, dest);
      } catch (e) {
        if (errno(e) === 'EEXIST') return { sha256, bytes, created: false };
        throw e;
      }
      return { sha256, bytes, created: true };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(sha256: string): Promise<Buffer> {
    const path = this.blobPath(checkBlobKey(sha256));
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if (errno(e) === 'ENOENT') throw blobMissing(sha256, this.location);
      throw e;
    }
    return verifyBlob(bytes, sha256, `blob ${path}`);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.blobPath(checkBlobKey(sha256)))).isFile();
    } catch (e) {
      if (errno(e) === 'ENOENT') return false;
      throw e;
    }
  }

  async setRef(name: string, sha256: string): Promise<void> {
    const path = join(this.root, 'refs', checkRefName(name));
    if (!(await this.has(checkBlobKey(sha256)))) throw blobMissing(sha256, this.location);
    const tmp = this.tmpPath();
    try {
      await writeSynced(tmp, `${sha256}\n`);
      await mkdir(dirname(path), { recursive: true });
      await link(tmp, path);
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw e;
      const held = await this.getRef(name);
      if (held !== sha256) throw refConflict(name, String(held), sha256, this.location);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async getRef(name: string): Promise<string | null> {
    const path = join(this.root, 'refs', checkRefName(name));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (errno(e) === 'ENOENT') return null;
      throw e;
    }
    return checkBlobKey(text.trim());
  }

  async close(): Promise<void> {}

  private tmpPath(): string {
    return join(this.root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
  }
}

/** Write `data` to `path` while hashing it, then fsync: its sha256 and size. */
async function writeHashed(path: string, data: BlobInput): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const out = createWriteStream(path, { flags: 'wx' });
  try {
    for await (const chunk of chunksOf(data)) {
      hash.update(chunk);
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  await fsyncFile(path);
  return { sha256: hash.digest('hex'), bytes };
}

async function writeSynced(path: string, text: string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
