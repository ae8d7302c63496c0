/**
 * sha256 of a file's bytes, for the load report. CSV read by tabflow's own parser is hashed from
 * the chunks the parser reads (ReadHash: no second read; createHash uses the CPU's SHA
 * instructions, ~40 ms per 70 MB). Files DuckDB or yauzl read (ZIP, Parquet, JSON) go through
 * sha256File: large ones on a worker thread that reads the file itself, while DuckDB reads it
 * too; small ones inline, since a worker costs more to start than they take to hash.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';

const WORKER_MIN_BYTES = 16 << 20;

// Plain CommonJS so it runs the same from TypeScript sources (tsx) and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const h = require('node:crypto').createHash('sha256');
require('node:fs').createReadStream(workerData, { highWaterMark: 1 << 20 })
  .on('data', (b) => h.update(b))
  .on('error', (e) => { throw e; })
  .on('end', () => parentPort.postMessage(h.digest('hex')));
`;

/**
 * sha256 fed by a reader that may read a file more than once from the start (the CSV parser
 * restarts its pass when a column turns out to be text): each read reports its bytes and file
 * offset, and only the bytes past what is hashed already are added, so every byte is hashed once,
 * in file order, however often the reader starts over.
 */
export class ReadHash {
  private readonly hash = createHash('sha256');
  private covered = 0;

  /** `bytes` were read from file offset `offset`. Reads must not skip bytes not yet hashed. */
  add(bytes: Uint8Array, offset: number): void {
    if (offset > this.covered) {
      throw new Error(`ReadHash: a read at byte ${offset} skips bytes ${this.covered}..${offset - 1}`);
    }
    const skip = this.covered - offset;
    if (skip >= bytes.length) return;
    this.hash.update(skip === 0 ? bytes : bytes.subarray(skip));
    this.covered = offset + bytes.length;
  }

  /** Bytes hashed so far: the file's size once a pass has read it to the end. */
  get bytes(): number {
    return this.covered;
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

export function sha256File(path: string, size: number): Promise<string> {
  return size >= WORKER_MIN_BYTES ? hashInWorker(path) : hashInline(path);
}

function hashInline(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (b) => h.update(b))
      .on('error', fail)
      .on('end', () => done(h.digest('hex')));
  });
}

function hashInWorker(path: string): Promise<string> {
  return new Promise((done, fail) => {
    // execArgv: [] so the worker does not load the parent's loaders (tsx) for plain CommonJS.
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: path, execArgv: [] });
    worker.once('message', (hex: string) => {
      done(hex);
      void worker.terminate();
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (code !== 0) fail(new Error(`sha256 worker for ${path} exited with code ${code}`));
    });
  });
}
