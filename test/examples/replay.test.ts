/**
 * examples/replay.mjs, which the README's loop walk-through runs first, imports the built package
 * (`tabflow/internal`) as a user's script would: its --write mode picks the same seeded rows every
 * time and writes them as a CSV the loader reads back.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataLoader } from '../../src/index.js';
import { DATA_DIR } from '../helpers/datasets.js';

const SCRIPT = fileURLToPath(new URL('../../examples/replay.mjs', import.meta.url));

function replay(out: string): string {
  const args = [
    '--data',
    join(DATA_DIR, 'concrete.csv'),
    '--where',
    'age<28',
    '--limit',
    '50',
    '--write',
    out,
  ];
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('examples/replay.mjs --write', () => {
  it('writes the matching rows, seeded: the same arguments give the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-replay-'));
    assert.match(replay(join(dir, 'a.csv')), /^50 rows written to /);
    replay(join(dir, 'b.csv'));
    assert.equal(readFileSync(join(dir, 'a.csv'), 'utf8'), readFileSync(join(dir, 'b.csv'), 'utf8'));
    const { frame } = await DataLoader.load(join(dir, 'a.csv'));
    assert.equal(frame.nRows, 50);
    const age = frame.get('age');
    assert.equal(age.type, 'numeric');
    if (age.type === 'numeric') for (const v of age.values) assert.ok(v < 28, `age ${v}`);
  });
});
