/**
 * A models folder with three real runs on concrete.csv, trained once per test file: different
 * candidates, seeds and tags, so sorting, filtering and comparing have something to tell apart.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

/** The runs trained, oldest first: candidates, seed and tags of each. */
export const RUNS = [
  { models: 'ridge,gbdt', seed: '1', tags: [] as string[] },
  { models: 'ridge,random_forest', seed: '2', tags: ['team=alpha'] },
  { models: 'linear,tree', seed: '3', tags: ['team=beta', 'nightly=yes'] },
];

let root: Promise<string> | undefined;

/** The models folder (trained on first call). */
export function uiModels(): Promise<string> {
  root ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-ui-'));
    for (const r of RUNS) {
      const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', 'compressive_strength'];
      args.push('--models', r.models, '--seed', r.seed, '--models-dir', dir);
      for (const t of r.tags) args.push('--tag', t);
      const out = await tabflowInProcess(args, dir);
      assert.equal(out.code, 0, out.stderr);
    }
    return dir;
  })();
  return root;
}

/** A copy of the trained models folder that a test may move stages in. */
export async function writableCopy(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'tabflow-ui-models-')), 'models');
  cpSync(await uiModels(), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/** One concrete mix, as a client would send it for a prediction. */
export const CONCRETE_RECORD = {
  cement: 300,
  blast_furnace_slag: 0,
  fly_ash: 0,
  water: 180,
  superplasticizer: 5,
  coarse_aggregate: 1000,
  fine_aggregate: 800,
  age: 28,
};
