import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./tabflow-cli.ts', import.meta.url));
// Resolved here, so the child finds tsx whatever its working directory.
const tsx = import.meta.resolve('tsx');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `tabflow ...args` in `cwd` as a child process (CI-like: no TTY). */
export function tabflow(args: string[], cwd: string): CliResult {
  const r = spawnSync(process.execPath, ['--import', tsx, entry, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
