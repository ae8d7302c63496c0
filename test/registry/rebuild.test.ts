/**
 * An emptied or unreadable registry.sqlite beside stage links and run folders is refused (nothing
 * is "repaired" by deleting links), and `ModelRegistry.rebuild` / `tabflow models rebuild`
 * restores the versions and stages from the folders.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DataError,
  loadArtifacts,
  ModelRegistry,
  promote,
  SqliteRegistryStore,
  UsageError,
} from '../../src/internal.js';
import { tabflowInProcess as tabflow } from '../helpers/cli.js';
import { threeVersions } from './fixture.js';

const DB = 'registry.sqlite';
const links = (root: string) => ['production', 'dev'].map((s) => readlinkSync(join(root, s)));

/** run id per version, and the links, before the registry is lost. */
async function before(root: string) {
  const r = await ModelRegistry.open(root);
  try {
    return { runs: (await r.list()).map((v) => v.run_id), links: links(root) };
  } finally {
    await r.close();
  }
}

function emptyDb(root: string, how: 'truncate' | 'schema' | 'garbage'): void {
  for (const s of ['', '-wal', '-shm']) rmSync(join(root, DB + s), { force: true });
  if (how === 'truncate') writeFileSync(join(root, DB), '');
  else if (how === 'garbage') writeFileSync(join(root, DB), 'this is not a database\n'.repeat(100));
  else new SqliteRegistryStore(join(root, DB)).close();
}

describe('a lost registry', () => {
  for (const how of ['truncate', 'schema'] as const) {
    it(`${how === 'truncate' ? 'a 0-byte' : 'a schema-only'} registry.sqlite is refused, the links stay`, async () => {
      const root = await threeVersions();
      const was = await before(root);
      emptyDb(root, how);
      await assert.rejects(
        async () => ModelRegistry.open(root),
        (e: unknown) => {
          assert.ok(e instanceof DataError, String(e));
          assert.equal(e.code, 'registry_lost');
          assert.match(e.message, new RegExp(`${join(root, DB)} holds no versions`));
          assert.match(
            e.message,
            /stage links production → \.releases\/production-v1-\S+ \(default v1, run /,
          );
          assert.match(e.message, /3 run folders in runs\//);
          assert.match(e.message, /tabflow models rebuild --models-dir/);
          return true;
        },
      );
      const r = await tabflow(['models', 'list'], dirname(root));
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /holds no versions/);
      assert.doesNotMatch(r.stderr, /repaired|\n\s+at .+:\d+:\d+/);
      assert.deepEqual(links(root), was.links, 'the stage links are untouched');
      assert.equal(loadArtifacts(join(root, 'production')).metadata.run_id, was.runs[0]);
    });
  }

  it('rebuild restores versions in run order, stages from the links, and the registry works again', async () => {
    const root = await threeVersions();
    const was = await before(root);
    emptyDb(root, 'truncate');
    const rep = await ModelRegistry.rebuild(root);
    assert.deepEqual(
      rep.registered.map((v) => [v.version, v.run_id]),
      was.runs.map((id, i) => [i + 1, id]),
    );
    assert.deepEqual(
      rep.stages.map((s) => [s.stage, s.version]),
      [
        ['production', 1],
        ['dev', 3],
      ],
    );
    assert.deepEqual(rep.skipped, []);
    assert.deepEqual(rep.reconciled, []);
    assert.deepEqual(links(root), was.links, 'links kept: the releases carry the same numbers');
    const r = await ModelRegistry.open(root);
    try {
      assert.equal((await r.stageVersion('production'))!.version, 1);
      assert.equal(r.modelName, 'default');
      const d = await promote(r, 2, 'production');
      assert.equal(d.applied, true);
    } finally {
      await r.close();
    }
    await assert.rejects(
      async () => ModelRegistry.rebuild(root),
      (e: unknown) => e instanceof UsageError && e.code === 'registry_not_empty',
    );
  });

  it('an unreadable file is named (exit 2), kept aside by rebuild; a deleted run folder comes back from its release', async () => {
    const root = await threeVersions();
    const was = await before(root);
    emptyDb(root, 'garbage');
    rmSync(join(root, 'runs', was.runs[0]), { recursive: true });
    const list = await tabflow(['models', 'list'], dirname(root));
    assert.equal(list.code, 2, list.stderr);
    assert.match(
      list.stderr,
      new RegExp(`Cannot open the model registry ${join(root, DB)}: file is not a database`),
    );
    assert.match(list.stderr, /tabflow models rebuild --models-dir/);
    const rb = await tabflow(['models', 'rebuild'], dirname(root));
    assert.equal(rb.code, 0, rb.stderr);
    assert.match(rb.stdout, /unreadable registry file was kept as models\/registry\.sqlite\.damaged-/);
    assert.match(rb.stdout, new RegExp(`run folder ${was.runs[0]} rewritten from its release copy`));
    assert.match(rb.stdout, /production → v1/);
    assert.ok(readdirSync(root).some((n) => n.startsWith(`${DB}.damaged-`)));
    assert.ok(existsSync(join(root, 'runs', was.runs[0], 'model.json')));
    const after = await tabflow(['models', 'list', '--json'], dirname(root));
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(
      (JSON.parse(after.stdout) as { run_id: string; stages: string[] }[]).map((v) => [v.run_id, v.stages]),
      [
        [was.runs[0], ['production']],
        [was.runs[1], []],
        [was.runs[2], ['dev']],
      ],
    );
  });
});
