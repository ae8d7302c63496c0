/**
 * A production folder as tabflow published it before the model registry existed: a link
 * `models/production` to a release folder under models/.releases/ without registry.json, swapped
 * atomically (src/artifacts/stage-link.ts). tabflow itself publishes stages only through the
 * registry now (one way to publish a stage); tests build such legacy folders with this.
 */
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic } from '../../src/artifacts/atomic.js';
import { RELEASES, stageLinkTarget, swapStageLink } from '../../src/artifacts/stage-link.js';

export const PRODUCTION = 'production';
const KEEP_RELEASES = 5;
/** Release folders the registry writes (<stage>-v<N>-...): never pruned from here. */
const REGISTRY_RELEASE = /^(dev|staging|production)-v\d+-/;

export function hasProduction(root: string): boolean {
  return existsSync(join(root, PRODUCTION));
}

/** The release folder `models/production` points to now, if any. */
export function currentRelease(root: string): string | undefined {
  const t = stageLinkTarget(root, PRODUCTION);
  if (t === null) return undefined;
  return t === PRODUCTION ? PRODUCTION : join(RELEASES, t);
}

/** Publish `files` as the production artifacts of run `runId`, atomically. */
export function publishProduction(
  root: string,
  runId: string,
  files: Record<string, string | Uint8Array>,
): string {
  const release = `${runId}-${Date.now().toString(36)}`;
  writeDirAtomic(join(root, RELEASES, release), files);
  swapStageLink(root, PRODUCTION, release);
  pruneReleases(root, release);
  return join(root, RELEASES, release);
}

function pruneReleases(root: string, keep: string): void {
  const dir = join(root, RELEASES);
  const all = readdirSync(dir)
    .filter((n) => !n.startsWith('.tmp-') && !REGISTRY_RELEASE.test(n))
    .map((n) => ({ n, t: lstatSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { n } of all.slice(KEEP_RELEASES))
    if (n !== keep) rmSync(join(dir, n), { recursive: true, force: true });
}
