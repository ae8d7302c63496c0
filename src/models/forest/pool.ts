/**
 * Worker threads for tree building. One lazily created Piscina pool per process, shared by every
 * forest fit (worker start-up under tsx costs ~0.3 s, far more than a small forest). Idle workers
 * are unref'd by Piscina, so the pool never keeps the process alive.
 *
 * The worker file is resolved next to this module: `worker.ts` when running from source under
 * tsx (the worker then needs the tsx loader too), `worker.js` from the compiled `dist/`.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

let pool: Piscina | null = null;

/** Cores this process may use for tree building. */
export function cpuCount(): number {
  return Math.max(1, availableParallelism());
}

function workerOptions(): { filename: string; execArgv?: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url).href;
  if (!fromSource) return { filename };
  // Under `node --import tsx` workers inherit execArgv, but a parent started some other way
  // (tsx CLI, a programmatic loader) may not pass it on: always give the worker the loader.
  const inherited = process.execArgv.filter((a) => !a.startsWith('--test') && !a.startsWith('--watch'));
  const hasTsx = inherited.some((a) => a === 'tsx' || a.includes('/tsx/') || a.startsWith('--import=tsx'));
  return { filename, execArgv: hasTsx ? inherited : [...inherited, '--import', 'tsx'] };
}

export function getPool(): Piscina {
  if (!pool) {
    const n = cpuCount();
    pool = new Piscina({ ...workerOptions(), minThreads: n, maxThreads: n, idleTimeout: 30_000 });
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
