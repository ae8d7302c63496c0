import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

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

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a TypeScript file under tsx as a child process, without blocking; its output is collected. */
export function runScript(
  script: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; onStderr?: (text: string) => void } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', tsx, script, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => {
      stdout += d;
    });
    c.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr);
    });
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * `tabflow ...args` without blocking (independent calls run side by side); `onStderr` sees its
 * stderr so far at every write (a test reacting to the progress it prints).
 */
export async function tabflowAsync(
  args: string[],
  cwd: string,
  onStderr?: (text: string) => void,
): Promise<CliResult> {
  const r = await runScript(entry, args, { cwd, env: { CI: 'true' }, onStderr });
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The bare `--import tsx` the test runner gives this process, resolved, as `tabflow()` passes it to
 * its child: worker threads copy these flags (core/worker-entry.ts), and a worker started while
 * tabflowInProcess has changed the working directory would look for the package tsx there. For
 * the whole process, not only during a call: a pool made by an earlier test may start a thread
 * at any time.
 */
process.execArgv = process.execArgv.map((a, i, all) =>
  a === '--import=tsx' ? `--import=${tsx}` : a === 'tsx' && all[i - 1] === '--import' ? tsx : a,
);

let inProcessBusy = false;

/**
 * `tabflow ...args` in this process (no tsx start-up per call), capturing the text it prints.
 * With `cwd`, the command runs in that folder (process.chdir for the call, then back), with
 * CI=true as `tabflow()` gives its child. Calls must not overlap (one process, one stdout, one
 * cwd): a second call while one runs throws.
 * Binary writes pass through: the test runner (Node 24) reports a file's events to its parent as
 * serialized buffers on this same stdout, and swallowing them would corrupt both.
 */
export async function tabflowInProcess(args: string[], cwd?: string): Promise<CliResult> {
  if (inProcessBusy) throw new Error('tabflowInProcess: calls must not overlap (await each one)');
  inProcessBusy = true;
  const out = { stdout: '', stderr: '' };
  const orig = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (key: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== 'string')
        return (orig[key] as (...a: unknown[]) => boolean).call(process[key], chunk, ...rest);
      out[key] += chunk;
      return true;
    }) as typeof process.stdout.write;
  const origCwd = process.cwd();
  const origCI = process.env.CI;
  if (cwd !== undefined) {
    process.chdir(cwd);
    process.env.CI = 'true';
  }
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  try {
    return { code: await main(['node', 'tabflow', ...args]), ...out };
  } finally {
    process.stdout.write = orig.stdout;
    process.stderr.write = orig.stderr;
    if (cwd !== undefined) {
      process.chdir(origCwd);
      if (origCI === undefined) delete process.env.CI;
      else process.env.CI = origCI;
    }
    inProcessBusy = false;
  }
}
