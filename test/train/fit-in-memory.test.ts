/**
 * TrainingPipeline.fit: training from data in memory (records, a columns object, a Frame; the
 * target inside or apart as y), as scikit-learn's fit(X, y). Same rows → same model as from the
 * file, and the run records the sha256 of the canonical records, whatever form they came in.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  buildRunReport,
  DataError,
  Frame,
  InferencePipeline,
  resolveConfig,
  TrainingPipeline,
} from '../../src/index.js';
import { canonicalSha256, loadInMemory } from '../../src/train/training-data.js';
import { TmpDir } from '../data/tmp-files.js';
import { runScript } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

const TARGET = 'compressive_strength';
const CONCRETE = join(DATA_DIR, 'concrete.csv');
const tmp = new TmpDir();
after(() => tmp.remove());

/** concrete.csv as records, the way the README's example reads it. */
function concreteRecords(): Record<string, number>[] {
  const lines = readFileSync(CONCRETE, 'utf8').trim().split('\n');
  const names = lines[0].split(',').map((s) => s.replaceAll('"', ''));
  return lines.slice(1).map((line) => {
    const cells = line.split(',').map(Number);
    return Object.fromEntries(names.map((n, j) => [n, cells[j]]));
  });
}

const config = (dir: string, data: { path?: string } = {}) =>
  resolveConfig({
    data: { target: TARGET, ...data },
    models: ['ridge'],
    selection: { method: 'holdout' },
    output: { dir: tmp.path(dir) },
  });

describe('TrainingPipeline.fit (in-memory data)', () => {
  const records = concreteRecords();

  it('trains from records like from the file: same TEST metrics; metadata says in memory, with the records hash', async () => {
    const fromFile = await new TrainingPipeline(config('file', { path: CONCRETE })).run();
    const fromRecords = await new TrainingPipeline(config('records')).fit(records);
    assert.deepEqual(fromRecords.best.result.metrics?.test, fromFile.best.result.metrics?.test);
    const meta = InferencePipeline.load(fromRecords.runDir).metadata;
    assert.equal(meta.data.path, '(in memory)');
    assert.equal(meta.data.format, 'records');
    assert.equal(meta.data.rows, records.length);
    assert.equal(meta.data.sha256, loadInMemory(records, undefined, TARGET).report.sha256);
    // The saved config names no data file: nothing rebuilds this run from a wrong one.
    assert.match(readFileSync(join(fromRecords.runDir, 'config.yaml'), 'utf8'), /^ {2}path: null$/m);
    const report = await buildRunReport(fromRecords.runDir);
    assert.match(report.test_note ?? '', /trained from data in memory \(its config names no data file\)/);
  });

  it('records, columns (plain or typed arrays), a Frame, or features with y apart hash alike', () => {
    const names = Object.keys(records[0]);
    const columns = Object.fromEntries(names.map((n) => [n, records.map((r) => r[n])]));
    const typed = Object.fromEntries(names.map((n) => [n, Float64Array.from(records, (r) => r[n])]));
    const { [TARGET]: y, ...features } = typed;
    const fromRecords = loadInMemory(records, undefined, TARGET);
    const forms = [
      loadInMemory(columns, undefined, TARGET),
      loadInMemory(typed, undefined, TARGET),
      loadInMemory(features, y, TARGET),
      loadInMemory(fromRecords.frame, undefined, TARGET),
    ];
    for (const f of forms) assert.equal(f.report.sha256, fromRecords.report.sha256);
    assert.deepEqual(
      forms.map((f) => f.report.format),
      ['columns', 'columns', 'columns', 'frame'],
    );
    // Any changed cell changes the hash.
    const edited = records.map((r, i) => (i === 500 ? { ...r, age: r.age + 1 } : r));
    assert.notEqual(loadInMemory(edited, undefined, TARGET).report.sha256, fromRecords.report.sha256);
    assert.equal(canonicalSha256(fromRecords.frame).sha256, fromRecords.report.sha256);
  });

  it('fit(X, y) with y apart: the target gets data.target, else "target"', async () => {
    const X = records.map(({ [TARGET]: _, ...rest }) => rest);
    const y = records.map((r) => r[TARGET]);
    const cfg = resolveConfig({
      models: ['ridge'],
      selection: { method: 'holdout' },
      output: { dir: tmp.path('xy') },
    });
    const run = await new TrainingPipeline(cfg).fit(X, y);
    const meta = InferencePipeline.load(run.runDir).metadata;
    assert.equal(meta.target.name, 'target');
    assert.equal(meta.data.format, 'records');
  });

  it('bad in-memory data: a DataError naming what is wrong, before any fitting', async () => {
    const p = new TrainingPipeline(config('bad'));
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => p.fit(records, [1, 2, 3]), /already has a column "compressive_strength" and y was given/],
      [
        () => p.fit(records.map(({ [TARGET]: _, ...r }) => r)),
        /Target "compressive_strength" is not a column of the training records \(columns: cement, /,
      ],
      [
        () => p.fit({ a: [1, 2, 3], [TARGET]: [1, 2] }),
        /Training column "compressive_strength" has 2 values, but "a" has 3/,
      ],
      [
        () => new TrainingPipeline(config('bad2')).fit({ a: [1, 2] }, [1, 2, 3]),
        /y has 3 values but the training data has 2 rows/,
      ],
      [() => p.fit([]), /hold no rows/],
      [
        () => p.fit({ a: [1, 2], [TARGET]: ['x', 'y'] }),
        /Target column "compressive_strength" is categorical/,
      ],
    ];
    for (const [call, message] of cases) {
      await assert.rejects(call, (e: unknown) => {
        assert.ok(e instanceof DataError, String(e));
        assert.match(e.message, message);
        return true;
      });
    }
    const noTarget = new TrainingPipeline(resolveConfig({ models: ['ridge'] }));
    await assert.rejects(
      noTarget.fit(records),
      /No target given: set data.target .* or pass its values as y/,
    );
  });

  it('a Frame from the public API trains too', async () => {
    const frame = loadInMemory(records, undefined, TARGET).frame;
    assert.ok(frame instanceof Frame);
    const run = await new TrainingPipeline(config('frame')).fit(frame);
    assert.equal(InferencePipeline.load(run.runDir).metadata.data.format, 'frame');
  });
});

describe('README library example (examples/library.ts)', () => {
  const example = fileURLToPath(new URL('../../examples/library.ts', import.meta.url));
  const text = readFileSync(example, 'utf8');

  it('is quoted in the README as it is', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(
      readme.includes(`\`\`\`ts\n${text}\`\`\``),
      'README does not quote examples/library.ts verbatim',
    );
  });

  it('runs: trains from records, then predicts one record with an interval and attributions', async () => {
    // The same code, with `tabflow` pointing at the sources and its data path at examples/.
    const dir = tmp.path('example');
    mkdirSync(dir);
    const src = text
      .replace(
        "from 'tabflow'",
        `from ${JSON.stringify(fileURLToPath(new URL('../../src/index.ts', import.meta.url)))}`,
      )
      .replace('import.meta.url', JSON.stringify(pathToFileURL(example).href));
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
    writeFileSync(join(dir, 'library.ts'), src);
    const r = await runScript(join(dir, 'library.ts'), [], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^run \S+: \w+ selected, TEST R² 0\.\d{3}$/m);
    assert.match(r.stdout, /\{ lower: [\d.]+, upper: [\d.]+, coverage: 0\.9 \}/);
    assert.match(r.stdout, /cement: -?[\d.]+/);
  });
});
