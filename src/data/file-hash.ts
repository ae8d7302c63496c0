/**
 * sha256 of a file's bytes, for the load report. Large files are hashed on a worker thread that
 * reads the file itself (from the page cache, while the parser reads it too), so the ~0.1 s of
 * hashing per 70 MB does not add to the parse on the main thread. Small files hash inline: a
 * worker costs more to start than they take to hash.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

const WORKER_MIN_BYTES = 16 << 20;
/**
 * One read buffer, reused: a read stream allocates a fresh buffer per chunk, which for a 71 MB
 * file touched 65 MB of new memory (+32 MB peak RSS, and 1.0-1.3 s instead of 0.2 s on a machine
 * where first-touch page faults are slow).
 */
const READ_BYTES = 1 << 20;

// Plain CommonJS so it runs the same from TypeScript sources (tsx) and from dist/. Synchronous
// reads: the worker has nothing else to do.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const h = require('node:crypto').createHash('sha256');
const fd = fs.openSync(workerData, 'r');
const buf = Buffer.allocUnsafe(${READ_BYTES});
try {
  for (let at = 0, n; (n = fs.readSync(fd, buf, 0, buf.length, at)) > 0; at += n) h.update(buf.subarray(0, n));
} finally {
  fs.closeSync(fd);
}
parentPort.postMessage(h.digest('hex'));
`;

export function sha256File(path: string, size: number): Promise<string> {
  return size >= WORKER_MIN_BYTES ? hashInWorker(path) : hashInline(path);
}

async function hashInline(path: string): Promise<string> {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(READ_BYTES);
  const fh = await open(path, 'r');
  try {
    for (let at = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead === 0) return h.digest('hex');
      h.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await fh.close();
  }
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
