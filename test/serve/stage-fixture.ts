/**
 * Stage folders the way the registry lays them out, for the hot-reload tests:
 * `<root>/.releases/<stage>-v<N>-<time>/` (a complete copy + registry.json) and `<root>/<stage>`,
 * a symlink moved atomically (new link, then rename over the old one). Plus a fake pipeline whose
 * "release" is one small JSON file, for unit tests that need no training.
 */
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ModelPipeline, RowPrediction } from '../../src/serve/index.js';

let seq = 0;

export interface StampFields {
  version: number;
  stage: string;
  runId: string;
  name?: string;
}

export function stampJson(s: StampFields): string {
  return JSON.stringify({
    format_version: 1,
    name: s.name ?? 'concrete',
    version: s.version,
    stage: s.stage,
    run_id: s.runId,
    published_at: new Date().toISOString(),
  });
}

/** A release folder holding a copy of `runDir`'s files and a registry.json; returns its path relative to root. */
export function releaseFromRun(root: string, runDir: string, s: StampFields): string {
  const rel = join('.releases', `${s.stage}-v${s.version}-${Date.now().toString(36)}${seq++}`);
  const dir = join(root, rel);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(runDir)) copyFileSync(join(runDir, f), join(dir, f));
  writeFileSync(join(dir, 'registry.json'), stampJson(s));
  return rel;
}

/** Point `<root>/<stage>` at `rel` atomically: a reader sees the old or the new target, never nothing. */
export function pointStage(root: string, stage: string, rel: string): void {
  const tmp = join(root, `.tmp-${stage}-${process.pid}-${seq++}`);
  rmSync(tmp, { force: true });
  symlinkSync(rel, tmp, 'dir');
  renameSync(tmp, join(root, stage));
}

// ---- fake releases: fake.json = {runId, base, broken?} ------------------------------------------

export interface FakeSpec {
  runId: string;
  /** Prediction = base + x. */
  base: number;
  broken?: boolean;
}

export function fakeRelease(
  root: string,
  spec: FakeSpec,
  stamp?: Omit<StampFields, 'runId'> & { runId?: string },
): string {
  const rel = join('.releases', `fake-${spec.runId}-${seq++}`);
  const dir = join(root, rel);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fake.json'), JSON.stringify(spec));
  if (stamp) writeFileSync(join(dir, 'registry.json'), stampJson({ runId: spec.runId, ...stamp }));
  return rel;
}

/** Load a fake release; `calls` records which run scored which `x` values, call by call. */
export function fakeLoader(calls: { runId: string; xs: unknown[] }[] = []) {
  return (dir: string): ModelPipeline => {
    const spec = JSON.parse(readFileSync(join(dir, 'fake.json'), 'utf8')) as FakeSpec;
    if (spec.broken) throw new Error(`fake release ${spec.runId} is broken`);
    return fakePipeline(spec.runId, spec.base, (xs) => calls.push({ runId: spec.runId, xs }));
  };
}

export function fakePipeline(
  runId: string,
  base: number,
  onPredict: (xs: unknown[]) => void = () => {},
): ModelPipeline {
  return {
    runId,
    modelName: 'fake',
    metadata: { features: [{ name: 'x', type: 'numeric' }] },
    contract: { features: [{ name: 'x', type: 'numeric', min: 0, max: 10 }] },
    predict(records) {
      onPredict(records.map((r) => r.x));
      return records.map(
        (r, row): RowPrediction => ({
          row,
          status: 'ok',
          prediction: base + Number(r.x),
          warnings: [],
          errors: [],
          model: { name: 'fake', run_id: runId },
        }),
      );
    },
  };
}
