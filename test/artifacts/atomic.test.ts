import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeDirAtomic, writeFileAtomic } from '../../src/artifacts/atomic.js';
import { currentRelease, hasProduction, publishProduction } from '../helpers/legacy-production.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tabflow-atomic-'));

describe('atomic writes', () => {
  it('writeFileAtomic replaces a file and leaves no temp files', () => {
    const d = tmp();
    writeFileAtomic(join(d, 'a.json'), '{"v":1}');
    writeFileAtomic(join(d, 'a.json'), '{"v":2}');
    assert.equal(readFileSync(join(d, 'a.json'), 'utf8'), '{"v":2}');
    assert.deepEqual(readdirSync(d), ['a.json']);
  });

  it('writeDirAtomic creates the whole folder or nothing', () => {
    const d = tmp();
    writeDirAtomic(join(d, 'run1'), { 'x.txt': 'x', 'y.txt': 'y' });
    assert.deepEqual(readdirSync(join(d, 'run1')).sort(), ['x.txt', 'y.txt']);
    // A second write to the same folder fails and leaves the first intact, with no temp folder behind.
    assert.throws(() => writeDirAtomic(join(d, 'run1'), { 'z.txt': 'z' }));
    assert.deepEqual(readdirSync(join(d, 'run1')).sort(), ['x.txt', 'y.txt']);
    assert.deepEqual(readdirSync(d), ['run1']);
  });

  it('a failure mid-write leaves no folder where a reader looks', () => {
    const d = tmp();
    const bad = { 'ok.txt': 'fine', 'sub/missing-dir.txt': 'fails: no such folder' };
    assert.throws(() => writeDirAtomic(join(d, 'run2'), bad));
    assert.equal(existsSync(join(d, 'run2')), false);
    assert.deepEqual(readdirSync(d), []);
  });
});

describe('production publishing', () => {
  it('publishes, then swaps atomically to a new release', () => {
    const root = tmp();
    assert.equal(hasProduction(root), false);
    publishProduction(root, 'run-a', { 'model.json': 'A' });
    assert.ok(lstatSync(join(root, 'production')).isSymbolicLink());
    assert.equal(readFileSync(join(root, 'production', 'model.json'), 'utf8'), 'A');
    const first = realpathSync(join(root, 'production'));
    publishProduction(root, 'run-b', { 'model.json': 'B' });
    assert.equal(readFileSync(join(root, 'production', 'model.json'), 'utf8'), 'B');
    // The old release is still complete for a reader that resolved it before the swap.
    assert.equal(readFileSync(join(first, 'model.json'), 'utf8'), 'A');
    assert.match(currentRelease(root)!, /run-b/);
    assert.ok(!readdirSync(root).some((n) => n.startsWith('.tmp-')));
  });
});
