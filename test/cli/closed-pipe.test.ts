import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

/** `tabflow ...args | head -c 0`: stdout's reader is gone before the command writes a byte. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', tsx, entry, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    c.stdout.destroy();
    let stderr = '';
    c.stderr.on('data', (d) => {
      stderr += d;
    });
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout pipe (tabflow … | head)', () => {
  it('`tabflow models families` with its reader gone exits 0 without an EPIPE stack trace', async () => {
    const r = await withClosedStdout(['models', 'families']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('an error message still reaches stderr and keeps its exit code', async () => {
    const r = await withClosedStdout(['models', 'nosuch']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"nosuch" is not a command/);
    assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /);
  });
});
