/**
 * Worker threads for tree building. One lazily created Piscina pool per process, shared by every
 * forest fit (worker start-up under tsx costs ~0.3 s, far more than a small forest). Idle workers
 * are unref'd by Piscina, so the pool never keeps the process alive.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { workerModule } from '../../core/worker-entry.js';

let pool: Piscina | null = null;

/** Cores this process may use for tree building. */
export function cpuCount(): number {
  return Math.max(1, availableParallelism());
}

export function getPool(): Piscina {
  if (!pool) {
    const n = cpuCount();
    pool = new Piscina({
      ...workerModule(import.meta.url, 'worker'),
      minThreads: n,
      maxThreads: n,
      idleTimeout: 30_000,
    });
  }
  return pool;
}

/** Shut the shared pool down (tests, CLI exit); the next fit creates a new one. */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.destroy();
}

/**
 * Run `count` tasks numbered 0..count-1 with at most `concurrency` in flight, returning results in
 * task order whatever order they finish in (so callers combine them deterministically).
 */
export async function runOrdered<T>(
  count: number,
  concurrency: number,
  run: (i: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      signal?.throwIfAborted();
      const i = next++;
      out[i] = await run(i);
    }
  };
  const lanes: Promise<void>[] = [];
  for (let k = 0; k < Math.min(concurrency, count); k++) lanes.push(lane());
  await Promise.all(lanes);
  return out;
}
