/**
 * The whole `tabflow train` at scale (issue 15, "the whole run, not only the fit"): a seeded
 * Friedman #1 CSV of 1,000,000 × 20 (in a temp dir), trained as a user would —
 * `tabflow train --data … --target y --models gbdt` in a child process — with wall time, CPU time
 * and peak RSS of the process (`/usr/bin/time`), the per-stage timings the CLI prints, and what the
 * run measured (TEST R², interval coverage and width, the permutation-importance ranking).
 * `--python` runs the reference pipeline beside it, alternating: `/usr/bin/python3` with Debian's
 * pandas + XGBoost (read_csv, XGBRegressor(n_estimators=100, tree_method='hist', n_jobs=2) fit on
 * a random 80 %, predict the rest), and reports the ratio of medians.
 *
 *   node --import tsx bench/train-1m.ts [--rows 1000000] [--features 20] [--seed 15] [--repeat 3]
 *     [--python] [--cli label=path/to/bin/tabflow.js …] [--data FILE --target COL] [--models gbdt]
 *     [--config config.yaml]
 *     [--csv /tmp/friedman.csv] [--cpu-prof DIR] [--out NAME]
 *
 * `--cli` (repeatable) measures other builds side by side, e.g. the code before a change
 * (`before=/tmp/tabflow-before/bin/tabflow.js`); every repeat runs each CLI once, in turn, so
 * all see the same machine load. `--data` trains on a given file instead of the generated one
 * (e.g. examples/data/diamonds.csv, `--target price`); `--models all` trains every family (the
 * CLI's default). `--csv FILE` keeps the generated file there
 * (outside the repo) to reuse it; it is generated only when missing. `--cpu-prof DIR` profiles the
 * tabflow processes (`node --cpu-prof`; their times are then not comparable). Writes
 * bench/results/NAME.json (default train-1m). Needs `npm run build` (the CLI runs from dist/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFriedmanCsv } from './friedman-csv.js';
import { writeResult } from './write-result.js';

const PYTHON = '/usr/bin/python3';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const PY_PIPELINE = `
import json, sys, time
import numpy as np, pandas as pd, xgboost as xgb
path, target, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
df = pd.read_csv(path)
t1 = time.perf_counter()
X = df.drop(columns=[target]).to_numpy(dtype=np.float64)
y = df[target].to_numpy(dtype=np.float64)
idx = np.random.RandomState(seed).permutation(len(y))
tr, te = idx[: int(0.8 * len(y))], idx[int(0.8 * len(y)):]
m = xgb.XGBRegressor(n_estimators=100, tree_method="hist", n_jobs=2).fit(X[tr], y[tr])
t2 = time.perf_counter()
p = m.predict(X[te])
t3 = time.perf_counter()
r2 = 1 - float(np.sum((y[te] - p) ** 2) / np.sum((y[te] - y[te].mean()) ** 2))
print(json.dumps({"stages": {"read_csv": t1 - t0, "fit": t2 - t1, "predict": t3 - t2},
                  "test_r2": r2, "xgboost": xgb.__version__, "pandas": pd.__version__}))
`;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '20' },
    seed: { type: 'string', default: '15' },
    repeat: { type: 'string', default: '3' },
    python: { type: 'boolean', default: false },
    cli: { type: 'string', multiple: true },
    data: { type: 'string' },
    target: { type: 'string', default: 'y' },
    models: { type: 'string', default: 'gbdt' },
    config: { type: 'string' },
    csv: { type: 'string' },
    'cpu-prof': { type: 'string' },
    out: { type: 'string', default: 'train-1m' },
  },
});

/** Wall, CPU and peak memory of one child process, from `/usr/bin/time`. */
interface ProcessCost {
  wallS: number;
  cpuS: number;
  peakRssMB: number;
}

/** One `tabflow train` process: its cost, the stages it printed and what its run recorded. */
interface TabflowRun extends ProcessCost {
  stages: Record<string, number>;
  summaries: Record<string, string>;
  quality: RunQuality;
  artifactBytes: Record<string, number>;
}

/** What a run measured on TEST, read back from its results.json. */
interface RunQuality {
  testR2: number | null;
  intervals: unknown;
  /** How `auto` chose the interval mode (metadata.json calibration.chosen_by). */
  intervalChoice: unknown;
  /** Standard error of the selection score (results.json selection.se). */
  selectionSe: unknown;
  /** Input columns by permutation importance, most important first. */
  importanceRanking: string[];
  importanceRows: number | null;
}

/** Run `cmd args` under `/usr/bin/time`; throws with its stderr when it fails. */
function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-time-'));
  const file = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', file, cmd, ...argv], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env,
  });
  const [wall, user, sys, rssKb] = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const cost: ProcessCost = { wallS: wall, cpuS: user + sys, peakRssMB: rssKb / 1024 };
  return { cost, stdout: r.stdout, stderr: r.stderr };
}

/** The `✓ stage  1.23 s  summary` lines of `tabflow train`'s progress. */
function stageLines(stderr: string) {
  const stages: Record<string, number> = {};
  const summaries: Record<string, string> = {};
  for (const m of stderr.matchAll(/^✓ (\S+)\s+([\d.]+) s {2}(.*)$/gm)) {
    stages[m[1]] = Number(m[2]);
    summaries[m[1]] = m[3];
  }
  return { stages, summaries };
}

function readQuality(runDir: string): RunQuality {
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  const best = results.models.find((m: { name: string }) => m.name === results.selection.best);
  const pi = best?.permutation_importance;
  const ranking = pi
    ? Object.entries(pi.columns as Record<string, { mean: number }>)
        .sort((a, b) => b[1].mean - a[1].mean)
        .map(([k]) => k)
    : [];
  const metadata = JSON.parse(readFileSync(join(runDir, 'metadata.json'), 'utf8'));
  return {
    testR2: best?.metrics?.test?.r2 ?? null,
    intervals: results.intervals ?? null,
    intervalChoice: metadata.calibration?.chosen_by ?? null,
    selectionSe: results.selection.se ?? null,
    importanceRanking: ranking,
    importanceRows: pi?.rows ?? null,
  };
}

function tabflowRun(bin: string, data: string, work: string, k: number): TabflowRun {
  const modelsDir = join(work, `models-${k}`);
  const prof = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(args['cpu-prof'])] : [];
  const argv = [...prof, bin, 'train', '--data', data, '--target', args.target!];
  if (args.models !== 'all') argv.push('--models', args.models!);
  if (args.config) argv.push('--config', resolve(args.config));
  argv.push('--models-dir', modelsDir, '--seed', args.seed!);
  const { cost, stderr } = timed(process.execPath, argv, { ...process.env, CI: '1' });
  const runs = join(modelsDir, 'runs');
  const runDir = join(runs, readdirSync(runs)[0]);
  const artifactBytes: Record<string, number> = {};
  for (const f of readdirSync(runDir)) artifactBytes[f] = statSync(join(runDir, f)).size;
  const out = { ...cost, ...stageLines(stderr), quality: readQuality(runDir), artifactBytes };
  rmSync(modelsDir, { recursive: true, force: true });
  return out;
}

function pythonRun(data: string) {
  const { cost, stdout } = timed(PYTHON, ['-c', PY_PIPELINE, data, args.target!, args.seed!]);
  return { ...cost, ...JSON.parse(stdout.trim().split('\n').pop()!) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x: number) => Number(x.toFixed(3));

/** Medians of wall, CPU, RSS and every stage over a CLI's repeats. */
function summarise(runs: (ProcessCost & { stages?: Record<string, number> })[]) {
  const stages: Record<string, number> = {};
  for (const s of Object.keys(runs[0].stages ?? {})) stages[s] = r3(median(runs.map((r) => r.stages![s])));
  return {
    medianWallS: r3(median(runs.map((r) => r.wallS))),
    medianCpuS: r3(median(runs.map((r) => r.cpuS))),
    maxPeakRssMB: r3(Math.max(...runs.map((r) => r.peakRssMB))),
    medianStagesS: stages,
  };
}

function parseClis(): [string, string][] {
  const given = args.cli ?? [`tabflow=${join(ROOT, 'bin/tabflow.js')}`];
  return given.map((c) => {
    const at = c.indexOf('=');
    if (at < 1) throw new Error(`--cli wants label=path/to/bin/tabflow.js, got "${c}"`);
    return [c.slice(0, at), resolve(c.slice(at + 1))];
  });
}

async function dataFile(work: string) {
  if (args.data) return { path: resolve(args.data), generated: null };
  const spec = { rows: Number(args.rows), features: Number(args.features), seed: Number(args.seed) };
  const path = args.csv ? resolve(args.csv) : join(work, 'friedman1.csv');
  if (path.startsWith(ROOT)) throw new Error(`keep the generated CSV outside the repo: ${path}`);
  if (!existsSync(path)) {
    const t = performance.now();
    await writeFriedmanCsv(path, spec);
    console.error(`generated ${path} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return { path, generated: spec };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tabflow-train-1m-'));
  try {
    const data = await dataFile(work);
    const clis = parseClis();
    const runs = new Map<string, TabflowRun[]>(clis.map(([label]) => [label, []]));
    const py: ReturnType<typeof pythonRun>[] = [];
    const loadBefore = loadavg()[0];
    for (let k = 0; k < Number(args.repeat); k++) {
      for (const [label, bin] of clis) {
        const r = tabflowRun(bin, data.path, work, k);
        runs.get(label)!.push(r);
        console.error(`[${k + 1}] ${label}: ${r.wallS.toFixed(1)} s wall, ${JSON.stringify(r.stages)}`);
      }
      if (args.python) {
        py.push(pythonRun(data.path));
        console.error(`[${k + 1}] python: ${py[k].wallS.toFixed(1)} s wall, ${JSON.stringify(py[k].stages)}`);
      }
    }
    const tabflow = Object.fromEntries(
      [...runs].map(([label, rs]) => [label, { ...summarise(rs), runs: rs }]),
    );
    const python = py.length ? { ...summarise(py), runs: py } : null;
    // Wall is what the target reads; CPU is steadier when other jobs share the cores.
    const ratio = (of: (s: ReturnType<typeof summarise>) => number) =>
      python
        ? Object.fromEntries(Object.entries(tabflow).map(([l, t]) => [l, r3(of(t) / of(python))]))
        : null;
    writeResult(args.out!, {
      data: data.generated ? { generated: 'friedman1', ...data.generated } : { path: args.data },
      bytes: statSync(data.path).size,
      target: args.target,
      models: args.models,
      config: args.config ?? null,
      repeat: Number(args.repeat),
      loadavg1m: { before: loadBefore, after: loadavg()[0] },
      cpuProfiled: Boolean(args['cpu-prof']),
      tabflow,
      python,
      wallRatioTabflowOverPython: ratio((s) => s.medianWallS),
      cpuRatioTabflowOverPython: ratio((s) => s.medianCpuS),
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
