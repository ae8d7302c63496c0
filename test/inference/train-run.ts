/** Train a small real run in-process (the same TrainingPipeline `tabflow train` uses) into a temp folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigUnknown } from '../../src/config/config.js';
import { type RunSummary, TrainingPipeline } from '../../src/train/training-pipeline.js';
import { DATA_DIR } from '../helpers/datasets.js';

export const TARGETS = { concrete: 'compressive_strength', diamonds: 'price', ames: 'Sale_Price' } as const;

export async function trainRun(
  dataset: keyof typeof TARGETS,
  models: string[],
  extra: Record<string, unknown> = {},
): Promise<RunSummary & { root: string }> {
  return trainFile(join(DATA_DIR, `${dataset}.csv`), TARGETS[dataset], models, extra);
}

export async function trainFile(
  path: string,
  target: string,
  models: string[],
  extra: Record<string, unknown> = {},
): Promise<RunSummary & { root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-inference-'));
  const cfg = resolveConfigUnknown({
    ...extra,
    data: { path, target },
    models,
    output: { dir: root },
  });
  const run = await new TrainingPipeline(cfg).run();
  return { ...run, root };
}
