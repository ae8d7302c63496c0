/**
 * Writes that never leave a half-written file or folder where a reader looks: everything is
 * written under a temporary name in the same directory, flushed, then renamed into place
 * (rename is atomic within a file system).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function tmpName(path: string): string {
  return join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function writeAndSync(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}

/** Write one file atomically (temp file + fsync + rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  try {
    writeAndSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dirname(path));
}

/**
 * Create folder `dir` holding exactly `files`, atomically: readers see either no folder or the
 * complete one. Fails if `dir` already exists. `afterFile` runs after each file is written (a
 * fault-injection test kills the process there).
 */
export function writeDirAtomic(
  dir: string,
  files: Record<string, string | Uint8Array>,
  afterFile?: (name: string) => void,
): void {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = tmpName(dir);
  mkdirSync(tmp);
  try {
    for (const [name, data] of Object.entries(files)) {
      writeAndSync(join(tmp, name), data);
      afterFile?.(name);
    }
    syncDir(tmp);
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  syncDir(dirname(dir));
}
