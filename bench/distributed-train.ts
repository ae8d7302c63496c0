/**
 * Distributed training: the default diamonds run (`tabflow train`, holdout, 10 candidates) with
 * its fit jobs on 1 vs 2 `tabflow worker` processes (each job on one model thread), whole
 * processes as a user runs them, alternating. Reports the wall time of the train stage and of the
 * whole run, and the speed-up of 2 workers over 1. Needs the Redis service.
 *
 *   npm run build && node --import tsx bench/distributed-train.ts [--repeats 2] [--data examples/data/diamonds.csv --target price]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResult } from './write-result.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/tabflow.js');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const REDIS = arg('redis', 'redis://127.0.0.1:6379/0');
const repeats = Number(arg('repeats', '2'));
const data = arg('data', join(ROOT, 'examples/data/diamonds.csv'));
const target = arg('target', 'price');
const tmp = mkdtempSync(join(tmpdir(), 'tabflow-dist-'));

function startWorker(queue: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, [BIN, 'worker', '--queue', REDIS, '--queue-name', queue], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    c.stdout!.on('data', (d) => {
      if (String(d).includes('Ctrl-C to stop')) resolve(c);
    });
    c.on('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
}

/** One whole `tabflow train` on `workers` queue workers (0: locally, every core). */
async function run(workers: number) {
  const queue = `bench-${process.pid}-${workers}-${Math.random().toString(36).slice(2, 8)}`;
  const procs = await Promise.all(Array.from({ length: workers }, () => startWorker(queue)));
  const out = join(tmp, queue);
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      BIN,
      'train',
      '--data',
      data,
      '--target',
      target,
      '--out',
      out,
      '--json',
      ...(workers ? ['--queue', REDIS, '--queue-name', queue] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CI: 'true' } },
  );
  const wall = (performance.now() - t0) / 1000;
  for (const p of procs) p.kill('SIGTERM');
  if (r.status !== 0) throw new Error(`train failed: ${r.stderr}`);
  const runs = join(out, 'runs');
  const runDir = join(runs, readdirSync(runs)[0]);
  const meta = JSON.parse(readFileSync(join(runDir, 'metadata.json'), 'utf8'));
  const model = readFileSync(join(runDir, 'model.json'));
  rmSync(out, { recursive: true, force: true });
  const train = meta.timings.train ?? meta.timings.cv;
  console.log(
    `${workers ? `${workers} worker(s)` : 'local'}: whole ${wall.toFixed(1)} s, train stage ${train.toFixed(1)} s`,
  );
  return { workers, wall_s: wall, train_s: train, model_bytes: model.length, model_sha: hash(model) };
}

function hash(b: Buffer): string {
  return spawnSync('sha256sum', { input: b, encoding: 'utf8' }).stdout.split(' ')[0];
}

const rows: Awaited<ReturnType<typeof run>>[] = [];
for (let k = 0; k < repeats; k++) for (const w of k % 2 ? [2, 1] : [1, 2]) rows.push(await run(w));
rows.push(await run(0));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const of = (w: number, key: 'wall_s' | 'train_s') =>
  median(rows.filter((r) => r.workers === w).map((r) => r[key]));
const result = {
  data,
  repeats,
  runs: rows,
  identical_models: new Set(rows.map((r) => r.model_sha)).size === 1,
  speedup_train_stage: of(1, 'train_s') / of(2, 'train_s'),
  speedup_whole_run: of(1, 'wall_s') / of(2, 'wall_s'),
};
console.log(
  `2 workers vs 1: train stage ×${result.speedup_train_stage.toFixed(2)}, whole run ×${result.speedup_whole_run.toFixed(2)}; models identical: ${result.identical_models}`,
);
writeResult('distributed-train', result);
rmSync(tmp, { recursive: true, force: true });
