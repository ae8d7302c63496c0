/**
 * The package as a user gets it: built into a temporary node_modules/tabflow with the files
 * `npm pack` would ship, its `dependencies` (and nothing from devDependencies) beside it, and a
 * consumer project compiled with `strict` and `skipLibCheck: false` importing `tabflow` and
 * `tabflow/internal`. A declaration that leaks a dev-only type, or an internal that slipped into
 * the public entry point, fails here. Slow by nature (a full build, then every declaration of
 * every dependency checked): about a minute on an idle machine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const pkgJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  files: string[];
  dependencies: Record<string, string>;
};

const tmp = mkdtempSync(join(tmpdir(), 'tabflow-package-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const modules = join(tmp, 'node_modules');
const pkgDir = join(modules, 'tabflow');

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The consumer: the public API in use, plus what must not compile. */
const CONSUMER = `
import {
  type BatchPrediction, ConfigError, DataError, type FittedRegressor, InferencePipeline, ModelRegistry,
  type PredictionResult, type RunSummary, type TabflowConfigInput, TrainingPipeline, createServer,
  loadArtifacts, resolveConfig, resolveConfigUnknown,
} from 'tabflow';
import { betaInc, FAULT_STEPS } from 'tabflow/internal';
// @ts-expect-error internals are not part of the public entry point
import { ksTest } from 'tabflow';

const input: TabflowConfigInput = { data: { target: 'price' }, models: ['ridge', { model: 'gbdt', params: { max_iter: 50 } }] };
export const cfg = resolveConfig(input);
export const fromFile = resolveConfigUnknown(JSON.parse('{}'));
// @ts-expect-error a misspelt key fails to compile
resolveConfig({ data: { targt: 'price' } });
export async function train(rows: Record<string, unknown>[]): Promise<RunSummary> {
  return new TrainingPipeline(cfg).fit(rows);
}
export function predict(dir: string): PredictionResult[] {
  return InferencePipeline.load(dir).predict([{ carat: 1 }], { interval: true, explain: true });
}
export type Used = [BatchPrediction, FittedRegressor, typeof ModelRegistry, typeof createServer, typeof loadArtifacts];
export const errors = [ConfigError, DataError, betaInc, FAULT_STEPS, ksTest];
`;

describe('the packed package compiles in a strict consumer with skipLibCheck: false', () => {
  it('builds, packs the files it should, and type-checks tabflow, tabflow/internal and the README example', () => {
    mkdirSync(pkgDir, { recursive: true });
    for (const f of pkgJson.files.filter((f) => f !== 'dist'))
      cpSync(join(ROOT, f), join(pkgDir, f), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(pkgDir, 'package.json'));
    const build = run(
      process.execPath,
      [TSC, '-p', join(ROOT, 'tsconfig.json'), '--outDir', join(pkgDir, 'dist')],
      ROOT,
    );
    assert.equal(build.code, 0, build.out);

    // What `npm pack` would put in the tarball.
    const pack = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], pkgDir);
    assert.equal(pack.code, 0, pack.out);
    const [info] = JSON.parse(pack.out.slice(pack.out.indexOf('['))) as {
      files: { path: string }[];
      size: number;
      unpackedSize: number;
    }[];
    const files = info.files.map((f) => f.path);
    for (const f of ['dist/index.d.ts', 'dist/index.js', 'dist/internal.d.ts', 'bin/tabflow.js', 'LICENSE']) {
      assert.ok(files.includes(f), `${f} is not packed`);
    }
    assert.deepEqual(
      files.filter((f) => /\.map$|^(src|test|bench|examples)\//.test(f)),
      [],
      'source maps, sources, tests or data would ship',
    );
    process.stdout.write(
      `# package: ${files.length} files, ${(info.size / 1024).toFixed(0)} kB packed, ${(info.unpackedSize / 1024).toFixed(0)} kB unpacked\n`,
    );

    // The user's node_modules: tabflow's dependencies only, and the consumer's own @types/node.
    for (const dep of [...Object.keys(pkgJson.dependencies), '@types/node']) {
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
    }
    writeFileSync(join(tmp, 'package.json'), '{"type": "module"}\n');
    writeFileSync(join(tmp, 'consumer.ts'), CONSUMER);
    cpSync(join(ROOT, 'examples', 'library.ts'), join(tmp, 'library.ts'));
    writeFileSync(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        include: ['consumer.ts', 'library.ts'],
      }),
    );
    const check = run(process.execPath, [TSC, '-p', join(tmp, 'tsconfig.json')], tmp);
    assert.equal(check.code, 0, check.out);
  });

  it('the public entry point is curated: far fewer names than tabflow/internal', async () => {
    const pub = Object.keys(await import('../../src/index.js'));
    const internal = Object.keys(await import('../../src/internal.js'));
    for (const name of pub)
      assert.ok(internal.includes(name), `${name} is public but not in tabflow/internal`);
    for (const name of ['betaInc', 'FAULT_STEPS', 'SqliteRegistryStore', 'ksTest']) {
      assert.ok(!pub.includes(name), `${name} is public`);
      assert.ok(internal.includes(name), `${name} is missing from tabflow/internal`);
    }
    process.stdout.write(`# exports: ${pub.length} public values, ${internal.length} in tabflow/internal\n`);
  });
});
