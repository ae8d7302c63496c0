/**
 * What a killed `tabflow train` leaves under runs/, cleaned up on the next open:
 *   - `runs/.tmp-<run-id>-…`: a run folder being written when the process died. Runs are written
 *     and registered under the registry's write lock (ModelRegistry.saveRun), so a `.tmp-` entry
 *     seen while holding that lock belongs to a dead writer: it is removed (a lock, not an age).
 *   - a complete run folder that is not registered (killed between the save and the register,
 *     or a run folder copied in): verified and registered under the name and tags its
 *     metadata.json records; one that fails verification or belongs to another model is moved to
 *     `quarantine/` (never deleted) and reported.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readRunConfig } from '../artifacts/run-config.js';
import { METADATA_FILE, type MetadataJson, sha256 } from '../artifacts/run-folder.js';
import { ArtifactError, TabflowError, UsageError } from '../core/errors.js';
import type { RegistryStore } from '../store/registry-store.js';
import { RUNS_DIR, registryTraces } from './lost-registry.js';
import { readVerifiedRun } from './release-folders.js';

export const QUARANTINE_DIR = 'quarantine';

/** One thing the open did to a leftover of a killed save. */
export interface RecoveryNote {
  action: 'removed_tmp' | 'registered' | 'quarantined';
  /** The leftover's path as it was found. */
  path: string;
  /** registered: the version it became. */
  version?: number;
  /** quarantined: why, and where it went. */
  reason?: string;
  moved_to?: string;
}

/** Registers a run folder (verifying it again) under `name`; returns the version. */
export type RegisterRun = (dir: string, meta: MetadataJson, name: string) => Promise<number>;

/** Cheap check without the lock: a `.tmp-` entry or an unregistered folder under runs/. */
export async function hasRunLeftovers(root: string, store: RegistryStore): Promise<boolean> {
  const dir = join(root, RUNS_DIR);
  if (!existsSync(dir)) return false;
  if (readdirSync(dir).some((n) => n.startsWith('.tmp-'))) return true;
  const known = await registeredFolders(store);
  return registryTraces(root).runs.some((n) => !known.has(n));
}

/** Clean and register leftovers; call holding the store's write lock. */
export async function recoverRuns(
  root: string,
  store: RegistryStore,
  register: RegisterRun,
): Promise<RecoveryNote[]> {
  const dir = join(root, RUNS_DIR);
  if (!existsSync(dir)) return [];
  const notes: RecoveryNote[] = [];
  for (const n of readdirSync(dir)) {
    if (!n.startsWith('.tmp-')) continue;
    rmSync(join(dir, n), { recursive: true, force: true });
    notes.push({ action: 'removed_tmp', path: join(dir, n) });
  }
  const known = await registeredFolders(store);
  for (const n of registryTraces(root).runs) {
    if (known.has(n)) continue;
    const path = join(dir, n);
    try {
      const metaBytes = readFileSync(join(path, METADATA_FILE));
      readVerifiedRun(path, sha256(metaBytes));
      const meta = JSON.parse(metaBytes.toString('utf8')) as MetadataJson;
      const copyOf = await store.findRun(meta.run_id);
      if (copyOf) {
        throw new ArtifactError(
          'copied_run',
          `it is a copy of run ${meta.run_id}, registered as v${copyOf.version}`,
        );
      }
      const name = nameOf(path, meta, await store.getMeta('model_name'));
      notes.push({ action: 'registered', path, version: await register(path, meta, name) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!(e instanceof TabflowError) && !(e instanceof SyntaxError) && code !== 'ENOENT') throw e;
      notes.push(quarantine(root, n, (e as Error).message));
    }
  }
  return notes;
}

/** Folder names under runs/ of the registered versions (run_dir is relative to the root there). */
async function registeredFolders(store: RegistryStore): Promise<Set<string>> {
  const out = new Set<string>();
  for (const v of await store.listVersions()) {
    const parts = v.run_dir.split(/[\\/]/);
    if (parts.length === 2 && parts[0] === RUNS_DIR) out.add(parts[1]);
    out.add(v.run_id);
  }
  return out;
}

/** The name a run was trained for: its metadata, else its config; refused when another model's. */
function nameOf(dir: string, meta: MetadataJson, held: string | null): string {
  let name = meta.registration?.name;
  if (!name) {
    const cfg = readRunConfig(dir).registry as { name?: unknown } | undefined;
    name = typeof cfg?.name === 'string' ? cfg.name : (held ?? 'default');
  }
  if (held !== null && name !== held) {
    throw new UsageError(
      'other_model',
      `it was trained for model "${name}", this models folder holds "${held}"`,
    );
  }
  return name;
}

function quarantine(root: string, name: string, reason: string): RecoveryNote {
  const to = join(root, QUARANTINE_DIR, `${name}-${Date.now().toString(36)}`);
  mkdirSync(join(root, QUARANTINE_DIR), { recursive: true });
  renameSync(join(root, RUNS_DIR, name), to);
  return { action: 'quarantined', path: join(root, RUNS_DIR, name), reason, moved_to: to };
}
