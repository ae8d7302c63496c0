/**
 * Load one run's artifacts from a folder (a run folder or a stage link such as models/production):
 * `RunFolder.open` proves the files belong together (see run-folder.ts), then the model and the
 * preprocessor are rebuilt from their JSON.
 */
import '../models/index.js';
import { loadModel } from '../models/families.js';
import type { FittedRegressor } from '../models/regressor.js';
import { type FittedPreprocessor, loadPreprocessor } from '../preprocess/index.js';
import { type MetadataJson, type ResultsJson, RunFolder } from './run-folder.js';

/** A loaded run: its fitted model and preprocessor, and what metadata.json and results.json say. */
export interface RunArtifacts {
  /** The resolved folder the files were read from (a production link is resolved once). */
  dir: string;
  model: FittedRegressor;
  preprocessor: FittedPreprocessor;
  metadata: MetadataJson;
  results: ResultsJson;
  config: unknown;
}

/** Open and verify a run or stage folder, and load its model and preprocessor. */
export function loadArtifacts(dir: string): RunArtifacts {
  const run = RunFolder.open(dir);
  return {
    dir: run.real,
    model: loadModel(run.json('model.json') as never),
    preprocessor: loadPreprocessor(run.json('preprocessor.json')),
    metadata: run.metadata,
    results: run.results,
    config: run.config,
  };
}
