/**
 * A small real model for the server tests: `tabflow train --models ridge,gbdt` on concrete.csv,
 * run in-process once per test file (about two seconds), and a fresh copy of its models folder
 * for each caller (copies keep the relative stage links); rows of that file as request records.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

export const TARGET = 'compressive_strength';

let template: Promise<string> | undefined;

async function trainTemplate(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-serve-template-'));
  const data = join(DATA_DIR, 'concrete.csv');
  const r = await tabflowInProcess(
    ['train', '--data', data, '--target', TARGET, '--models', 'ridge,gbdt', '--out', root],
    root,
  );
  if (r.code !== 0) throw new Error(`training the test model failed (${r.code}):\n${r.stderr}`);
  return root;
}

/** A models folder of its own holding the trained concrete model as `production`. */
export async function trainConcrete(): Promise<{ root: string; production: string }> {
  template ??= trainTemplate();
  const root = join(mkdtempSync(join(tmpdir(), 'tabflow-serve-')), 'models');
  cpSync(await template, root, { recursive: true, verbatimSymlinks: true });
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
