/**
 * sha256 of a file's bytes, for the load report. Large files are hashed on a worker thread that
 * reads the file itself (from the page cache, while the parser reads it too), so the ~0.1 s of
 * hashing per 70 MB does not add to the parse on the main thread. Small files hash inline: a
 * worker costs more to start than they take to hash.
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
