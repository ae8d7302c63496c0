/**
 * Where the running A/B test is kept. With the embedded stores it is `<models>/experiment.json`,
 * beside the stage links the servers of that host follow. With a storage setting (a registry
 * shared by several hosts, e.g. PostgreSQL) it is a row of the registry itself (meta key
 * `experiment`), written in the same transaction as the `ab_start` / `ab_stop` event, so every
 * serving node reads the same experiment — and, on PostgreSQL, hears of the change at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { EXPERIMENT_META_KEY } from '../registry/experiment-location.js';
import type { RegistryStore } from '../store/registry-store.js';
import { configuredStore } from '../store/storage-setting.js';
import {
  type Experiment,
  experimentPath,
  experimentText,
  parseExperiment,
  removeExperiment,
  writeExperiment,
} from './experiment.js';

export { EXPERIMENT_META_KEY } from '../registry/experiment-location.js';

/** Where a running experiment is read and written. */
export interface ExperimentRecord {
  /** Named in messages: the file, or the registry's location. */
  readonly where: string;
  /** The stored text, '' when no experiment runs (followers compare it to see a change). */
  readText(): Promise<string>;
  write(e: Experiment): Promise<void>;
  remove(): Promise<void>;
}

/** The running experiment of `r`, or null (a stored text that is not one is an ArtifactError). */
export async function readRecord(r: ExperimentRecord): Promise<Experiment | null> {
  const text = await r.readText();
  return text === '' ? null : parseExperiment(text, r.where);
}

/** `<root>/experiment.json`. */
export function fileExperimentRecord(root: string): ExperimentRecord {
  const file = experimentPath(root);
  return {
    where: file,
    async readText() {
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    async write(e) {
      writeExperiment(root, e);
    },
    async remove() {
      removeExperiment(root);
    },
  };
}

/** The `experiment` row of a registry store (inside a write transaction when one is running). */
export function registryExperimentRecord(store: RegistryStore): ExperimentRecord {
  return {
    where: `the registry ${store.location}`,
    async readText() {
      return (await store.getMeta(EXPERIMENT_META_KEY)) ?? '';
    },
    write(e) {
      return store.writeTransaction(() => store.setMeta(EXPERIMENT_META_KEY, experimentText(e)));
    },
    remove() {
      return store.writeTransaction(() => store.setMeta(EXPERIMENT_META_KEY, ''));
    },
  };
}

/**
 * Where the experiment of a models folder is kept: in its registry when the process has a storage
 * setting (`--storage`, `storage.*`, TABFLOW_STORAGE_URI), else in the folder's experiment.json.
 */
export function experimentRecordOf(reg: { root: string; store: RegistryStore }): ExperimentRecord {
  return configuredStore('registry') ? registryExperimentRecord(reg.store) : fileExperimentRecord(reg.root);
}
