/**
 * What the distributed-training tests share: the run they train (concrete, cross-validated, four
 * candidates) and `tabflow worker` processes, each test on its own queue of the Redis service;
 * `stopWorkers` SIGKILLs whatever is left at the end of a file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR } from '../helpers/datasets.js';
import { TEST_REDIS } from '../helpers/redis.js';

const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const children: ChildProcess[] = [];

/** The raw config of the tests' run, saved into `out`; `extra` sections are added as given. */
export function concreteRun(out: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // random_forest first: the first fold's first job is long enough to be killed mid-fit.
    models: [
      { name: 'random_forest', model: 'random_forest', params: { n_estimators: 120 } },
      'ridge',
      'gbdt',
      'svr',
    ],
    data: { path: join(DATA_DIR, 'concrete.csv'), target: 'compressive_strength' },
    training: { seed: 11 },
    output: { dir: out },
    ...extra,
  };
}

/** A `tabflow worker` process on queue `q`, resolved once it says it listens. */
export function startWorker(q: string, lockSeconds = 30): Promise<ChildProcess> {
  const c = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      entry,
      'worker',
      '--queue',
      TEST_REDIS,
      '--queue-name',
      q,
      '--lock-seconds',
      String(lockSeconds),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } },
  );
  children.push(c);
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ctrl-C to stop')) resolve(c);
    });
    c.stderr!.on('data', (d) => {
      out += d;
    });
    c.on('exit', (code) => reject(new Error(`worker exited (${code}) before listening: ${out}`)));
  });
}

/** SIGKILL every worker still running. */
export function stopWorkers(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
