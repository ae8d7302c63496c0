/**
 * `tabflow storage migrate` as a user runs it: a models folder (with a running A/B test) to a
 * fresh PostgreSQL schema, the table of what was copied and verified, the settings to use; a second run refused with the
 * flag to use and no stack trace; --json; a missing source; `tabflow storage` alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tabflowAsync, tabflowInProcess } from '../helpers/cli.js';
import { freshSchema, pgSkip } from '../helpers/pg-schema.js';
import { threeVersions } from '../registry/fixture.js';

const skip = await pgSkip();
const noStack = (s: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `stack trace printed:\n${s}`);

describe('tabflow storage migrate', () => {
  it('copies a models folder to PostgreSQL, prints what it verified, refuses to copy twice', {
    skip,
  }, async (t) => {
    const root = await threeVersions();
    const ab = await tabflowInProcess(['ab', 'start', '2', '--models-dir', root], root);
    assert.equal(ab.code, 0, ab.stderr);
    const { uri } = freshSchema(t);
    // As a child process, as a user runs it.
    const r = await tabflowAsync(['storage', 'migrate', '--from', root, '--to', uri], root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^migrated .*registry\.sqlite → postgres:\/\/.*schema=tabflow_test_\w+ in [\d.]+ s$/m,
    );
    assert.match(r.stdout, /registry versions\s*│\s*3\s*│\s*yes\s*│\s*sha256 [0-9a-f]{12}/);
    assert.match(r.stdout, /prediction rows\s*│\s*0\s*│\s*0/);
    assert.match(
      r.stdout,
      /runs \(artifacts\)\s*│\s*3\s*│\s*3 published, \d+ new blobs\s*│\s*\d+ files, sha256 each/,
    );
    assert.match(r.stdout, /running A\/B test\s*│\s*1\s*│\s*yes\s*│\s*sha256 [0-9a-f]{12}/);
    assert.match(r.stdout, /runs' training data\s*│\s*3\s*│\s*3 published\s*│\s*3 files, sha256 each/);
    assert.match(r.stdout, /target verified: same counts and checksums as the source/);
    assert.match(
      r.stdout,
      /storage:\n {4}uri: postgres:\/\/.*\n {4}artifacts: postgres:\/\/.*schema=tabflow_test_/,
    );
    assert.match(r.stderr, /^registry {4}1\/1 \(100%\)$/m);
    assert.match(r.stderr, /^verify {6}3\/3 \(100%\)$/m);

    const again = await tabflowInProcess(['storage', 'migrate', '--from', root, '--to', uri], root);
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /error: The target is not empty: .* holds 3 versions, .*run it again with --resume/,
    );
    noStack(again.stderr);

    const check = await tabflowInProcess(
      ['storage', 'migrate', '--from', root, '--to', uri, '--verify-only', '--json'],
      root,
    );
    assert.equal(check.code, 0, check.stderr);
    const report = JSON.parse(check.stdout);
    assert.equal(report.verified.registry.versions, 3);
    assert.equal(report.verified.artifacts.runs, 3);
    assert.equal(report.registryCopied, false);
  });

  it('a folder without a registry, and `tabflow storage` without a command, are usage errors', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tabflow-no-registry-'));
    const r = await tabflowInProcess(
      ['storage', 'migrate', '--from', join(empty, 'models'), '--to', join(empty, 'other')],
      empty,
    );
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /error: No model registry at sqlite:.*registry\.sqlite: --from names a models folder/,
    );
    noStack(r.stderr);
    const bare = await tabflowInProcess(['storage'], empty);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /tabflow storage needs a command: migrate/);
  });
});
