/**
 * Worker-thread entry (Piscina): builds one run of trees; `ping` lets callers warm the pool.
 * The result's typed arrays are transferred, not copied: a run of deep trees is megabytes.
 */
import { Piscina } from 'piscina';
import { buildTrees, type RunResult, type RunTask } from './build-trees.js';

export default async function run(task: RunTask | { kind: 'ping' }): Promise<unknown> {
  if (task.kind === 'ping') return null;
  const result = await buildTrees(task);
  const movable = { [Piscina.transferableSymbol]: buffersOf(result), [Piscina.valueSymbol]: result };
  // Piscina types its symbols as unique; the getters used here are typed as plain symbols.
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}

function buffersOf(r: RunResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: ArrayBufferView | null): void => {
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  for (const t of r.trees) for (const a of Object.values(t)) add(a as ArrayBufferView);
  add(r.importance);
  add(r.oobSum);
  add(r.oobCount);
  return out;
}
