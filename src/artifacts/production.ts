/**
 * models/production: the artifacts a server loads. It is a symbolic link to a complete release
 * folder under models/.releases/, swapped by renaming a new link over the old one, so a reader
 * sees the old run or the new run, never a mix and never a half-written folder.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic } from './atomic.js';

export const PRODUCTION = 'production';
const RELEASES = '.releases';
const KEEP_RELEASES = 5;

export function hasProduction(root: string): boolean {
  return existsSync(join(root, PRODUCTION));
}

/** The release folder `models/production` points to now, if any. */
export function currentRelease(root: string): string | undefined {
  const link = join(root, PRODUCTION);
  try {
    return lstatSync(link).isSymbolicLink() ? readlinkSync(link) : PRODUCTION;
  } catch {
    return undefined;
  }
}

/** Publish `files` as the production artifacts of run `runId`, atomically. */
export function publishProduction(
  root: string,
  runId: string,
  files: Record<string, string | Uint8Array>,
): string {
  const release = `${runId}-${Date.now().toString(36)}`;
  const rel = join(RELEASES, release);
  writeDirAtomic(join(root, rel), files);
  const link = join(root, PRODUCTION);
  const tmpLink = join(root, `.tmp-${PRODUCTION}-${process.pid}`);
  rmSync(tmpLink, { force: true });
  symlinkSync(rel, tmpLink, 'dir');
  let legacy: string | undefined;
  if (existsSync(link) && !lstatSync(link).isSymbolicLink()) {
    // A plain folder from elsewhere cannot be replaced atomically: move it aside first.
    legacy = join(root, RELEASES, `legacy-${Date.now().toString(36)}`);
    renameSync(link, legacy);
  }
  renameSync(tmpLink, link);
  pruneReleases(root, release);
  return join(root, rel);
}

function pruneReleases(root: string, keep: string): void {
  const dir = join(root, RELEASES);
  const all = readdirSync(dir)
    .filter((n) => !n.startsWith('.tmp-'))
    .map((n) => ({ n, t: lstatSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { n } of all.slice(KEEP_RELEASES))
    if (n !== keep) rmSync(join(dir, n), { recursive: true, force: true });
}
