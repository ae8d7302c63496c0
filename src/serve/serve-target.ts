/**
 * What a server serves, from `model` or `stage` + `modelsDir` (the `--model`, `--stage` and
 * `--models-dir` of `tabflow serve`):
 *
 *   stage S [modelsDir D]   the stage link D/S, followed: when the registry moves it, the server
 *                           loads the new version and swaps (hot reload)
 *   model DIR               a symlink (e.g. models/production) is followed the same way; a plain
 *                           folder (a run folder) is served as it is, without reload
 *   neither                 stage production of ./models
 *
 * and where its prediction log goes by default: the models folder's, else next to the run.
 */
import { existsSync, lstatSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { defaultLogPath } from '../log/default-log-path.js';
import { STAGES } from '../registry/names.js';
import { logStoreOf } from '../store/storage-setting.js';
import { pathOrUri } from '../store/store-uri.js';

/** The folder or link to serve, resolved. */
export interface ServeTarget {
  /** Folder or link to load. */
  path: string;
  /** Followed (a symlink) or served as it is. */
  follow: boolean;
  /** Stage named for folders without registry.json. */
  stage: string | null;
  /** The models root (registry, prediction log, experiment.json), when known. */
  root: string | null;
}

/** `model`, or `stage` of `modelsDir`: not both; the stage must exist. */
export function resolveServeTarget(o: { model?: string; stage?: string; modelsDir?: string }): ServeTarget {
  if (o.model !== undefined && (o.stage !== undefined || o.modelsDir !== undefined)) {
    throw new UsageError(
      'conflicting_options',
      '--model cannot be combined with --stage/--models-dir: give a folder, or a stage of a models folder',
    );
  }
  if (o.model !== undefined) {
    const path = resolve(o.model);
    const name = basename(path);
    const stage = isStage(name) ? name : null;
    return { path, follow: isSymlink(path), stage, root: stage ? dirname(path) : null };
  }
  const stage = o.stage ?? 'production';
  if (!isStage(stage)) {
    throw new UsageError(
      'bad_stage',
      `--stage ${JSON.stringify(stage)} is not allowed: expected one of ${STAGES.join(', ')}`,
    );
  }
  const root = resolve(o.modelsDir ?? 'models');
  const path = join(root, stage);
  if (!existsSync(path)) {
    throw new UsageError(
      'stage_empty',
      `No model in stage ${stage}: ${path} does not exist. Promote a version first ` +
        `(tabflow models promote <version> --to ${stage}) or serve a run folder with --model`,
    );
  }
  return { path, follow: true, stage, root };
}

/**
 * `stage` of `modelsDir` served from an artifact store: as `resolveServeTarget`, but the stage
 * link need not exist on this host (the registry says which version the stage holds), and a
 * folder given with `model` is refused (a store serves registered versions).
 */
export function resolveStoreServeTarget(o: {
  model?: string;
  stage?: string;
  modelsDir?: string;
}): ServeTarget {
  if (o.model !== undefined) {
    throw new UsageError(
      'conflicting_options',
      '--model serves a folder of this host; with storage.artifacts set, serve a --stage (of the registry)',
    );
  }
  const stage = o.stage ?? 'production';
  if (!isStage(stage)) {
    throw new UsageError(
      'bad_stage',
      `--stage ${JSON.stringify(stage)} is not allowed: expected one of ${STAGES.join(', ')}`,
    );
  }
  const root = resolve(o.modelsDir ?? 'models');
  return { path: join(root, stage), follow: true, stage, root };
}

/**
 * The prediction log's file: `logFile` when given, none for `false`, else the models root's
 * predictions.sqlite (or the default next to `dir`, the folder loaded).
 */
export function predictionLogFile(
  logFile: string | false | undefined,
  t: ServeTarget,
  dir: string | null,
): string | null {
  if (logFile === false) return null;
  if (logFile !== undefined) return pathOrUri(logFile);
  // The storage setting's log (a database server), else the file beside the models.
  return logStoreOf(resolve(t.root ? join(t.root, 'predictions.sqlite') : defaultLogPath(dir ?? t.path)));
}

function isStage(name: string): boolean {
  return (STAGES as readonly string[]).includes(name);
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
