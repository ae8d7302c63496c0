/**
 * Size and speed of tree-model artifacts: trains default `random_forest`, `extra_trees` and `gbdt`
 * on diamonds through the real pipeline (as `tabflow train` does) and records model.json bytes,
 * the bytes of every model.json copy the run left on disk (run folder + release folders), the time
 * to serialise + write model.json, and `loadArtifacts` time and peak RSS in a fresh process.
 *
 *   node --import tsx bench/artifact-size.ts --phase after [--models random_forest,extra_trees,gbdt]
 *
 * Results merge into bench/results/artifact-size.json under `phase`, so a `before` run (on the old
 * code) and an `after` run sit side by side; the ratios are computed when both are present. Each
 * row also holds `side_by_side`: the same fitted model written in the plain formatVersion-1 form
 * and the current one, each loaded in a fresh process, measured in the same run (fair ratios on a
 * busy machine).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadArtifacts } from '../src/artifacts/load-artifacts.js';
import { resolveConfigUnknown } from '../src/config/config.js';
import { type Serialized, stringifyArtifact } from '../src/core/codec.js';
import { treeEnsembleOf } from '../src/explain/index.js';
import { closePool } from '../src/models/forest/index.js';
import '../src/models/index.js';
import { loadModel } from '../src/models/families.js';
import type { FittedRegressor } from '../src/models/regressor.js';
import { encodeTree } from '../src/models/tree/predictor.js';
import { TrainingPipeline } from '../src/train/training-pipeline.js';
import { writeResult } from './write-result.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULT = join(ROOT, 'bench/results/artifact-size.json');

const { values: args } = parseArgs({
  options: {
    phase: { type: 'string', default: 'after' },
    models: { type: 'string', default: 'random_forest,extra_trees,gbdt' },
    'child-load': { type: 'string' },
    'child-model': { type: 'string' },
  },
});

/** Peak resident set of this process in MB (VmHWM resets at exec, unlike getrusage's maxRSS). */
function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Child mode: load one run's artifacts in a fresh process; print time and peak RSS. */
function childLoad(dir: string): void {
  const t0 = performance.now();
  const a = dir === '-' ? null : loadArtifacts(dir);
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ load_s: s, peak_rss_mb: peakRssMb(), nFeatures: a ? a.model.nFeatures : 0 }));
}

/** Child mode: what loadArtifacts does for model.json (read, sha256, parse, load), in a fresh process. */
function childModel(file: string): void {
  const t0 = performance.now();
  const bytes = readFileSync(file);
  createHash('sha256').update(bytes).digest('hex');
  const m = loadModel(JSON.parse(bytes.toString('utf8')));
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ load_s: s, peak_rss_mb: peakRssMb(), nFeatures: m.nFeatures }));
}

/** The same model as the formatVersion-1 code wrote it: plain trees, no deflate. */
function asV1(m: FittedRegressor): Serialized {
  const json = m.toJSON() as Serialized<unknown, Record<string, unknown>>;
  const { thresholds: _, ...state } = json.state;
  const trees = treeEnsembleOf(m)?.trees ?? [];
  return { ...json, formatVersion: 1, state: { ...state, trees: trees.map(encodeTree) } };
}

function filesNamed(dir: string, name: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesNamed(p, name));
    else if (e.isFile() && e.name === name) out.push(p);
  }
  return out;
}

function inChild(flag: string, path: string): { load_s: number; peak_rss_mb: number } {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), flag, path],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split('\n').pop() as string);
}

/** Serialise + write one form of the model; then load it back in a fresh process. */
function writeAndLoad(root: string, name: string, toJson: () => unknown) {
  const path = join(root, name);
  const t0 = performance.now();
  writeFileSync(path, stringifyArtifact(toJson()));
  const writeS = (performance.now() - t0) / 1000;
  const load = inChild('--child-model', path);
  return { bytes: statSync(path).size, write_s: writeS, load_s: load.load_s, peak_rss_mb: load.peak_rss_mb };
}

async function measure(model: string): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-artifact-size-'));
  try {
    const cfg = resolveConfigUnknown({
      data: { path: join(ROOT, 'examples/data/diamonds.csv'), target: 'price' },
      models: [model],
      output: { dir: root },
    });
    const t0 = performance.now();
    const run = await new TrainingPipeline(cfg).run();
    const trainS = (performance.now() - t0) / 1000;
    const modelPath = join(run.runDir, 'model.json');
    const bytes = statSync(modelPath).size;
    const copies = filesNamed(root, 'model.json').map((p) => statSync(p).size);
    const results = JSON.parse(readFileSync(join(run.runDir, 'results.json'), 'utf8'));

    // Serialise + write, as the pipeline does (the model loaded back from the file it wrote).
    const fitted = loadModel(JSON.parse(readFileSync(modelPath, 'utf8')));
    const tmp = join(root, 'rewrite.json');
    const t1 = performance.now();
    writeFileSync(tmp, stringifyArtifact(fitted.toJSON()));
    const writeS = (performance.now() - t1) / 1000;
    const sameBytes = readFileSync(tmp).equals(readFileSync(modelPath));
    rmSync(tmp);

    const base = inChild('--child-load', '-');
    const load = inChild('--child-load', run.runDir);
    // Side by side in this run: the plain (formatVersion 1) and the current form of the same model.
    const plain = writeAndLoad(root, 'plain.json', () => asV1(fitted));
    const current = writeAndLoad(root, 'current.json', () => fitted.toJSON());
    const best = (results.models ?? []) as Array<Record<string, unknown>>;
    const row = {
      model,
      model_json_bytes: bytes,
      model_json_copies: copies.length,
      model_json_bytes_on_disk: copies.reduce((a, b) => a + b, 0),
      train_s: trainS,
      write_s: writeS,
      rewrite_byte_identical: sameBytes,
      load_artifacts_s: load.load_s,
      load_peak_rss_mb: load.peak_rss_mb,
      import_only_peak_rss_mb: base.peak_rss_mb,
      side_by_side: {
        plain_v1: plain,
        current,
        size_ratio: plain.bytes / current.bytes,
        write_ratio: plain.write_s / current.write_s,
        load_ratio: plain.load_s / current.load_s,
        peak_rss_ratio: plain.peak_rss_mb / current.peak_rss_mb,
      },
      test_metrics: JSON.stringify(
        best.map((m) => (m.metrics as { test?: unknown } | undefined)?.test ?? null),
      ),
    };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (args['child-load']) return childLoad(args['child-load']);
  if (args['child-model']) return childModel(args['child-model']);
  const rows: Record<string, unknown>[] = [];
  for (const m of (args.models as string).split(',')) rows.push(await measure(m));
  await closePool();
  const prev = existsSync(RESULT) ? JSON.parse(readFileSync(RESULT, 'utf8')).result : {};
  const phases: Record<string, Array<Record<string, unknown>>> = { ...(prev?.phases ?? {}) };
  phases[args.phase as string] = rows;
  const ratios: Record<string, unknown> = {};
  if (phases.before && phases.after) {
    for (const a of phases.after) {
      const b = phases.before.find((x) => x.model === a.model);
      if (!b) continue;
      const r = (k: string) => Number((Number(b[k]) / Number(a[k])).toFixed(2));
      ratios[a.model as string] = {
        size_before_over_after: r('model_json_bytes'),
        write_before_over_after: r('write_s'),
        load_before_over_after: r('load_artifacts_s'),
        peak_rss_before_over_after: r('load_peak_rss_mb'),
        same_test_metrics: a.test_metrics === b.test_metrics,
      };
    }
  }
  writeResult('artifact-size', { phases, ratios });
}

await main();
