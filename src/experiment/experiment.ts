/**
 * An A/B experiment between the production version (champion) and a challenger version, kept
 * as `<models root>/experiment.json`: a running server polls it the way it polls the stage link,
 * so `tabflow ab start|stop` takes effect without a restart. Written atomically; the registry's
 * history records each start, stop and conclusion.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../artifacts/atomic.js';
import { ArtifactError, UsageError } from '../core/errors.js';
import { EXPERIMENT_FILE } from '../registry/experiment-location.js';

export { EXPERIMENT_FILE } from '../registry/experiment-location.js';
export const EXPERIMENT_FORMAT_VERSION = 1;

/** The registered version one arm serves, and the folder it is loaded from. */
export interface ArmRef {
  version: number;
  run_id: string;
  /** Folder the server loads the arm from (absolute). */
  dir: string;
}

/**
 * A running A/B test as experiment.json stores it: both arms, the traffic split, shadow mode and
 * key field.
 */
export interface Experiment {
  format_version: number;
  id: string;
  name: string;
  champion: ArmRef;
  challenger: ArmRef;
  /** Share of traffic the challenger answers (ignored in shadow mode). */
  weight: number;
  /** Shadow: the challenger scores every request too, but only the champion answers. */
  shadow: boolean;
  /** Input field whose value keeps an entity on one arm (hashed); absent → random per request. */
  key_field: string | null;
  started_at: string;
}

/** Where the running A/B test of the models folder `root` is stored. */
export function experimentPath(root: string): string {
  return join(root, EXPERIMENT_FILE);
}

/**
 * The running A/B test of `root`, or null when none; a file that cannot be read is an
 * ArtifactError.
 */
export function readExperiment(root: string): Experiment | null {
  const p = experimentPath(root);
  if (!existsSync(p)) return null;
  return parseExperiment(readFileSync(p, 'utf8'), p);
}

/** An experiment from its JSON text, read from `where` (named in the error when it is not one). */
export function parseExperiment(text: string, where: string): Experiment {
  let e: Experiment;
  try {
    e = JSON.parse(text) as Experiment;
  } catch (err) {
    throw new ArtifactError('bad_experiment', `${where} is not valid JSON (${(err as Error).message})`);
  }
  if (e?.format_version !== EXPERIMENT_FORMAT_VERSION || !e.champion || !e.challenger) {
    throw new ArtifactError(
      'bad_experiment',
      `${where} is not a tabflow experiment (format_version ${String(e?.format_version)}); stop it with \`tabflow ab stop\``,
    );
  }
  return e;
}

/** Start or replace the A/B test of `root` (written atomically, weight checked). */
export function writeExperiment(root: string, e: Experiment): void {
  writeFileAtomic(experimentPath(root), experimentText(e));
}

/** The stored text of `e` (its weight checked first). */
export function experimentText(e: Experiment): string {
  checkWeight(e.weight);
  return `${JSON.stringify(e, null, 2)}\n`;
}

/** End the A/B test of `root` (nothing happens when none runs). */
export function removeExperiment(root: string): void {
  rmSync(experimentPath(root), { force: true });
}

export function checkWeight(w: number): void {
  if (!(Number.isFinite(w) && w > 0 && w < 1)) {
    throw new UsageError(
      'bad_weight',
      `--weight ${w} is not allowed: expected the challenger's share of traffic, strictly between 0 and 1 (e.g. 0.1)`,
    );
  }
}
