/**
 * A registry that lost its rows. `registry.sqlite` truncated (`: > registry.sqlite`), replaced by
 * a fresh file or restored from an old backup opens as an empty database; the folders still show
 * that versions were registered (stage links to stamped releases). Opening it as if nothing were
 * registered would "repair" those links by deleting them, so it is refused instead, and
 * `ModelRegistry.rebuild` (`tabflow models rebuild`) restores the rows from the folders.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { RELEASES, stageLinkTarget } from '../artifacts/stage-link.js';
import { DataError } from '../core/errors.js';
import type { RegistryStore } from '../store/registry-store.js';
import { STAGES, type Stage } from './names.js';
import { readRegistryStamp } from './registry-stamp.js';
import { isRegistryRelease } from './release-folders.js';

export const RUNS_DIR = 'runs';

/** What the folders of a models root say was registered, whatever the database says. */
export interface RegistryTraces {
  /** Stage links pointing to a release the registry wrote (it has registry.json). */
  links: { stage: Stage; release: string }[];
  /** Release folders the registry wrote, linked or not. */
  releases: string[];
  /** Run folders under runs/ (not temporary ones). */
  runs: string[];
}

/** Stage links, releases and run folders found in `root`. */
export function registryTraces(root: string): RegistryTraces {
  const links: RegistryTraces['links'] = [];
  // Production first: it is the one that matters most when reading the message.
  for (const stage of [...STAGES].reverse()) {
    const release = stageLinkTarget(root, stage);
    if (release !== null && isRegistryRelease(root, release)) links.push({ stage, release });
  }
  const releases = listDir(join(root, RELEASES)).filter((n) => isRegistryRelease(root, n));
  const runs = listDir(join(root, RUNS_DIR)).filter((n) => isDir(join(root, RUNS_DIR, n)));
  return { links, releases, runs };
}

/**
 * Throws when the store holds no version while the folders show registered ones: a DataError
 * (exit 2) naming the file, what was found and the command that rebuilds it.
 */
export async function refuseLostRegistry(root: string, store: RegistryStore): Promise<void> {
  if ((await store.listVersions()).length > 0) return;
  const t = registryTraces(root);
  if (!t.links.length && !t.releases.length) return;
  const links = t.links.map((l) => `${l.stage} → ${RELEASES}/${l.release}${stampNote(root, l.release)}`);
  const found = [
    ...(links.length ? [`stage links ${links.join(', ')}`] : []),
    `${t.releases.length} release folder${t.releases.length === 1 ? '' : 's'} in ${RELEASES}/`,
    `${t.runs.length} run folder${t.runs.length === 1 ? '' : 's'} in ${RUNS_DIR}/`,
  ];
  throw new DataError(
    'registry_lost',
    `The model registry ${store.location} holds no versions, but ${root} holds ${found.join(', ')}: ` +
      'the registry file was emptied or replaced. No link or folder was changed. Rebuild it from the run ' +
      `folders with: tabflow models rebuild --models-dir ${shownPath(root)}`,
  );
}

/** A path as typed in a command: relative below the working directory, else absolute. */
export function shownPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

function stampNote(root: string, release: string): string {
  try {
    const s = readRegistryStamp(join(root, RELEASES, release));
    return s ? ` (${s.name} v${s.version}, run ${s.run_id})` : '';
  } catch {
    return ' (unreadable registry.json)';
  }
}

function listDir(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort();
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
