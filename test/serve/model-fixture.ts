/**
 * A small real model for the server tests: `tabflow train --models ridge,gbdt` on concrete.csv
 * into a temp folder (about two seconds), and rows of that file as request records.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tabflow } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

export const TARGET = 'compressive_strength';

export function trainConcrete(): { root: string; production: string } {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-serve-'));
  const data = join(DATA_DIR, 'concrete.csv');
  const r = tabflow(
    ['train', '--data', data, '--target', TARGET, '--models', 'ridge,gbdt', '--out', root],
    root,
  );
  if (r.code !== 0) throw new Error(`training the test model failed (${r.code}):\n${r.stderr}`);
  return { root, production: join(root, 'production') };
}

/** The first `n` rows of concrete.csv as records without the target. */
export function concreteRecords(n: number): Record<string, number>[] {
  const lines = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  return lines.slice(1, n + 1).map((line) => {
    const v = line.split(',').map(Number);
    const rec: Record<string, number> = {};
    header.forEach((h, j) => {
      if (h !== TARGET) rec[h] = v[j];
    });
    return rec;
  });
}
