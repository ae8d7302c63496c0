/**
 * metadata.json is verified on every load, like the files it vouches for: an edit of the conformal
 * `q` or of the data contract's `max` in a served release (or in a run folder) is refused, naming
 * the file, by the library loader that `tabflow predict` and `tabflow serve` use.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  InferencePipeline,
  loadArtifacts,
  type MetadataJson,
  ModelRegistry,
  readRegistryStamp,
} from '../../src/internal.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { TARGETS, trainRun } from '../inference/train-run.js';

type Run = Awaited<ReturnType<typeof trainRun>>;

/** metadata.json with `edit` applied to its parsed form, written back as the trainer writes it. */
function editMetadata(dir: string, edit: (m: MetadataJson) => void): string {
  const p = join(dir, 'metadata.json');
  const text = readFileSync(p, 'utf8');
  const m = JSON.parse(text);
  edit(m);
  writeFileSync(p, JSON.stringify(m, null, 2));
  return text;
}

describe('metadata.json is verified on load', () => {
  let run: Run;
  before(async () => {
    run = await trainRun('concrete', ['ridge'], { selection: { method: 'holdout' } });
  });

  it('an edited conformal q in the served release is refused (library, predict), naming the file', async () => {
    const prod = join(run.root, 'production');
    const real = realpathSync(prod);
    const before = InferencePipeline.load(prod);
    assert.ok(before.runId === run.runId);
    const orig = editMetadata(real, (m) => {
      m.calibration!.q = (m.calibration!.q as number) * 10;
    });
    assert.throws(
      () => InferencePipeline.load(prod),
      (e: Error) => /metadata\.json .*sha256/.test(e.message) && e.message.includes(real),
    );
    const csv = join(run.root, 'rows.csv');
    const lines = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
    writeFileSync(csv, `${lines.slice(0, 11).join('\n')}\n`);
    const p = await tabflowInProcess(
      ['predict', '--model', prod, '--data', csv, '--out', join(run.root, 'p.csv')],
      run.root,
    );
    assert.equal(p.code, 2, p.stderr);
    assert.match(p.stderr, /metadata\.json/);
    // Put back byte for byte: it loads again.
    writeFileSync(join(real, 'metadata.json'), orig);
    assert.equal(InferencePipeline.load(prod).runId, run.runId);
  });

  it('an edited contract max in a run folder is refused; a whole copy of the folder still loads', () => {
    const copy = join(run.root, 'copy');
    mkdirSync(copy);
    for (const f of readdirSync(run.runDir)) copyFileSync(join(run.runDir, f), join(copy, f));
    assert.equal(loadArtifacts(copy).metadata.run_id, run.runId);
    editMetadata(copy, (m) => {
      const f = m.features.find((x) => x.type === 'numeric')!;
      f.max = (f.max as number) * 100;
    });
    assert.throws(() => loadArtifacts(copy), /copy\/metadata\.json has changed .*metadata\.json\.sha256/s);
  });

  it('a folder whose metadata.json nothing vouches for is refused, saying how to vouch for it', () => {
    const bare = join(run.root, 'bare');
    mkdirSync(bare);
    for (const f of readdirSync(run.runDir)) {
      if (f !== 'metadata.json.sha256') copyFileSync(join(run.runDir, f), join(bare, f));
    }
    assert.throws(() => loadArtifacts(bare), /cannot be verified.*metadata\.json\.sha256/s);
    assert.equal(TARGETS.concrete, 'compressive_strength');
  });

  it('registry.json vouches for metadata.json: a stamp recording another hash is refused, one without is rewritten on open', async () => {
    const prod = join(run.root, 'production');
    const real = realpathSync(prod);
    const stampPath = join(real, 'registry.json');
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
    const r0 = await ModelRegistry.open(run.root);
    assert.equal(stamp.metadata_sha256, (await r0.get(1)).metadata_sha256);
    await r0.close();
    writeFileSync(stampPath, JSON.stringify({ ...stamp, metadata_sha256: '0'.repeat(64) }));
    assert.throws(
      () => loadArtifacts(prod),
      /has changed since it was written.*registry\.json \(metadata_sha256\) records 000000000000/s,
    );
    // As an older tabflow wrote it: no metadata_sha256. The seal still vouches; the registry rewrites it.
    const { metadata_sha256: _, ...old } = stamp;
    writeFileSync(stampPath, JSON.stringify(old));
    assert.equal(loadArtifacts(prod).metadata.run_id, run.runId);
    const r = await ModelRegistry.open(run.root);
    try {
      assert.deepEqual(
        r.reconciled.map((f) => [f.stage, f.error]),
        [['production', undefined]],
      );
      assert.equal(readRegistryStamp(prod)!.metadata_sha256, (await r.get(1)).metadata_sha256);
      assert.equal(loadArtifacts(prod).metadata.run_id, run.runId);
    } finally {
      await r.close();
    }
  });
});
