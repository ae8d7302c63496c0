/** Worker-thread entry (Piscina): builds one run of trees; `ping` lets callers warm the pool. */
import { buildTrees, type RunResult, type RunTask } from './build-trees.js';

export default function run(task: RunTask | { kind: 'ping' }): RunResult | null {
  if (task.kind === 'ping') return null;
  return buildTrees(task);
}
