/**
 * Workers started from source get the parent's loader flags and nothing else: Node 24's test
 * runner gives its files an execArgv of every option's default, which a Worker refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { inheritedFlags } from '../../src/core/worker-entry.js';

/** What Node 24.22's test runner passes a test file (abridged from a real run). */
const NODE24_TEST_ARGV = [
  '--test-coverage-functions=0',
  '--inspect-port=127.0.0.1:9229',
  '--stack-trace-limit=10',
  '--secure-heap-min=2',
  '--import=tsx',
  '--v8-pool-size=4',
  '--use-largepages=off',
  '--node-snapshot',
  '--secure-heap=0',
  '--watch-kill-signal=SIGTERM',
  '--import',
  'tsx',
];

describe('inheritedFlags', () => {
  it('keeps loaders and their values, drops process-wide and test-runner flags', () => {
    assert.deepEqual(inheritedFlags(NODE24_TEST_ARGV), ['--import=tsx', '--import', 'tsx']);
    assert.deepEqual(
      inheritedFlags(['-r', 'x.cjs', '--conditions=dev', '--enable-source-maps', '--max-old-space-size=99']),
      ['-r', 'x.cjs', '--conditions=dev', '--enable-source-maps'],
    );
  });

  it('a worker accepts what it keeps, where it refuses the whole list', async () => {
    const run = (execArgv: string[]) =>
      new Promise<number>((resolve, reject) => {
        try {
          const w = new Worker('process.exit(0)', { eval: true, execArgv });
          w.on('error', reject).on('exit', resolve);
        } catch (e) {
          reject(e);
        }
      });
    assert.equal(await run(inheritedFlags(NODE24_TEST_ARGV)), 0);
    await assert.rejects(run(NODE24_TEST_ARGV), { code: 'ERR_WORKER_INVALID_EXEC_ARGV' });
  });
});
