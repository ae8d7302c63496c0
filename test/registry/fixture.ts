/**
 * A models root with three registered versions of concrete.csv models, trained for real once per
 * test file and copied for each test (copies keep the relative stage links):
 *   v1 ridge (production: the first version), v2 gbdt (much better), v3 lasso (dev: the latest).
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigUnknown } from '../../src/config/config.js';
import { TrainingPipeline } from '../../src/train/training-pipeline.js';
import { DATA_DIR } from '../helpers/datasets.js';

export const CONCRETE = join(DATA_DIR, 'concrete.csv');
export const TARGET = 'compressive_strength';

export async function trainInto(root: string, models: string[], extra: Record<string, unknown> = {}) {
  const cfg = resolveConfigUnknown({
    ...extra,
    data: { path: CONCRETE, target: TARGET },
    models,
    output: { dir: root, ...((extra.output as object) ?? {}) },
  });
  return new TrainingPipeline(cfg).run();
}

let template: string | undefined;

/** A fresh copy of the three-version root. */
export async function threeVersions(): Promise<string> {
  if (!template) {
    const root = mkdtempSync(join(tmpdir(), 'tabflow-registry-template-'));
    await trainInto(root, ['ridge']);
    await trainInto(root, ['gbdt']);
    await trainInto(root, ['lasso']);
    template = root;
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'tabflow-registry-')), 'models');
  cpSync(template, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

export function tmpEntries(root: string): string[] {
  const out: string[] = [];
  for (const d of [root, join(root, '.releases')]) {
    for (const n of readdirSync(d)) if (n.startsWith('.tmp-')) out.push(join(d, n));
  }
  return out;
}
