/** Run test/registry/promote-child.ts in a child process (under tsx, like the CLI tests). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ChildResult, runScript } from '../helpers/cli.js';

const script = fileURLToPath(new URL('./promote-child.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

export type { ChildResult };

export function runChild(args: string[], env: Record<string, string> = {}): ChildResult {
  const r = spawnSync(process.execPath, ['--import', tsx, script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function startChild(args: string[]): Promise<ChildResult> {
  return runScript(script, args);
}
