/**
 * Where the prediction log lives by default: `<models dir>/predictions.sqlite`, the models dir
 * being the parent of `production` (or of `runs/<id>`), so every run served from one models
 * folder writes to one log.
 */
import { basename, dirname, join, resolve } from 'node:path';

export { logStoreOf } from '../store/storage-setting.js';

/** The prediction log's file name in a models folder. */
export const LOG_FILE = 'predictions.sqlite';

/** The prediction log of the models folder that `modelDir` (a stage, release or run folder) belongs to. */
export function defaultLogPath(modelDir: string): string {
  const dir = resolve(modelDir);
  const parent = dirname(dir);
  const root = basename(parent) === 'runs' || basename(parent) === '.releases' ? dirname(parent) : parent;
  return join(root, LOG_FILE);
}
