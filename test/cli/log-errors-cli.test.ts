import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tabflowInProcess as tabflow } from '../helpers/cli.js';
import { trainRun } from '../inference/train-run.js';
import { corruptLogs } from '../log/corrupt-fixture.js';

const noStack = (s: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `stack trace printed:\n${s}`);

describe('commands that open a damaged prediction log exit 2 naming it', () => {
  let dir: string;
  let files: Record<string, string>;
  let runDir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tabflow-log-errors-'));
    files = corruptLogs(dir);
    writeFileSync(join(dir, 'labels.csv'), 'request_id,actual\nr1,3.5\n');
    runDir = (await trainRun('concrete', ['ridge'])).runDir;
  });

  const commands: [string, (file: string) => string[]][] = [
    ['logs', (f) => ['logs', '--db', f]],
    ['logs --export', (f) => ['logs', '--db', f, '--export', join(dir, 'out.csv')]],
    ['feedback', (f) => ['feedback', '--data', join(dir, 'labels.csv'), '--db', f]],
    ['monitor', (f) => ['monitor', '--model', runDir, '--db', f]],
  ];
  for (const [name, args] of commands) {
    it(`tabflow ${name}`, async () => {
      for (const file of Object.values(files)) {
        const r = await tabflow(args(file));
        assert.equal(r.code, 2, `${name} on ${file}: ${r.stderr}`);
        assert.ok(r.stderr.includes(`The prediction log ${file} is damaged`), r.stderr);
        assert.doesNotMatch(r.stderr, /unexpected error/);
        noStack(r.stderr);
      }
    });
  }
});
