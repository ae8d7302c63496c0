/**
 * Models folders for the A/B tests: versions trained by `tabflow train` (in-process) on concrete.csv into one
 * root (the first becomes production v1, the next ones are registered as v2, v3, ...), concrete
 * rows with their true targets, an in-process server following production and its experiment,
 * and traffic with actuals replayed to it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferencePipeline } from '../../src/inference/index.js';
import { PredictionLog } from '../../src/log/index.js';
import { createServer, ExperimentFollower, StageFollower, serverIdle } from '../../src/serve/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

export const TARGET = 'compressive_strength';

/** One version per entry of `models` (e.g. ['ridge', 'gbdt']): v1 is production. In-process. */
export async function trainVersions(models: string[], prefix = 'tabflow-ab-'): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const m of models) {
    const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET, '--models', m];
    const r = await tabflowInProcess([...args, '--out', root], root);
    if (r.code !== 0) throw new Error(`training ${m} failed (${r.code}):\n${r.stderr}`);
  }
  return root;
}

export interface Row {
  record: Record<string, number>;
  actual: number;
}

/** Every concrete row: inputs without the target, and the target. */
export function concreteRows(): Row[] {
  const lines = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  return lines.slice(1).map((line) => {
    const v = line.split(',').map(Number);
    const record: Record<string, number> = {};
    let actual = Number.NaN;
    header.forEach((h, j) => {
      if (h === TARGET) actual = v[j];
      else record[h] = v[j];
    });
    return { record, actual };
  });
}

/** A server on `<root>/production` with the experiment of `<root>/experiment.json` (polled every pollMs). */
export async function abServer(root: string, o: { pollMs?: number; microBatch?: boolean } = {}) {
  const load = (dir: string) => InferencePipeline.load(dir);
  const pollMs = o.pollMs ?? 0;
  const source = await StageFollower.open({
    link: join(root, 'production'),
    load,
    pollMs,
    stage: 'production',
  });
  const experiments = await ExperimentFollower.open({ root, load, pollMs });
  const log = await PredictionLog.open(join(root, 'predictions.sqlite'), { flushMs: 20 });
  const app = await createServer({ source, log, experiments, microBatch: o.microBatch });
  return { app, source, experiments, log };
}

type App = Awaited<ReturnType<typeof abServer>>['app'];

const rows = concreteRows();

/**
 * Sends concrete rows [from, to) to `app` in requests of 4 (each row its own customer, `c<row>`),
 * then their true actuals as feedback; resolves with the number of actuals accepted.
 */
export async function replayTraffic(app: App, from: number, to: number): Promise<number> {
  const items: { request_id: string; row: number; actual: number }[] = [];
  for (let i = from; i < to; i += 4) {
    const batch = rows
      .slice(i, Math.min(to, i + 4))
      .map((r, j) => ({ ...r.record, customer_id: `c${i + j}` }));
    const r = await app.inject({ method: 'POST', url: '/predict', payload: batch });
    if (r.statusCode !== 200) throw new Error(`predict answered ${r.statusCode}: ${r.body}`);
    const id = JSON.parse(r.body).request_id;
    batch.forEach((_, j) => {
      items.push({ request_id: id, row: j, actual: rows[i + j].actual });
    });
  }
  await serverIdle(app);
  const fb = await app.inject({ method: 'POST', url: '/feedback', payload: { feedback: items } });
  return JSON.parse(fb.body).accepted;
}
