/**
 * The reliability runs of RELIABILITY.md, repeatable: fuzzing, load with stage moves, kills at
 * every step, corrupted files and security probes. Each is a test file that asserts its own
 * figures and reports them (test/helpers/reliability.ts); this script runs the files one after
 * another, collects the figures and the pass/fail counts, prints a table and writes
 * bench/results/reliability.json.
 *
 *   node --import tsx bench/reliability.ts            # all runs (~5 min on 2 cores)
 *   node --import tsx bench/reliability.ts fuzz kill  # runs whose group matches
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeResult } from './write-result.js';

interface Run {
  group: 'fuzz' | 'load' | 'kill' | 'corruption' | 'security';
  file: string;
}

/** The files whose figures RELIABILITY.md shows, by group. */
export const RUNS: Run[] = [
  { group: 'fuzz', file: 'test/serve/fuzz.test.ts' },
  { group: 'fuzz', file: 'test/inference/fuzz.test.ts' },
  { group: 'load', file: 'test/serve/hot-reload-load.test.ts' },
  { group: 'load', file: 'test/registry/concurrency.test.ts' },
  { group: 'load', file: 'test/serve/monitoring-thread.test.ts' },
  { group: 'kill', file: 'test/registry/fault-injection.test.ts' },
  { group: 'kill', file: 'test/registry/save-leftovers.test.ts' },
  { group: 'kill', file: 'test/serve/kill-log.test.ts' },
  { group: 'corruption', file: 'test/log/corrupt-log.test.ts' },
  { group: 'corruption', file: 'test/artifacts/metadata-verify.test.ts' },
  { group: 'corruption', file: 'test/registry/rebuild.test.ts' },
  { group: 'corruption', file: 'test/data/long-lines.test.ts' },
  { group: 'security', file: 'test/data/zip-limits.test.ts' },
  { group: 'security', file: 'test/config/config-yaml.test.ts' },
  { group: 'security', file: 'test/log/export-log.test.ts' },
  { group: 'security', file: 'test/serve/admin-exposure.test.ts' },
  { group: 'security', file: 'test/serve/http-errors.test.ts' },
  { group: 'security', file: 'test/serve/request-parsing.test.ts' },
];

interface Figures {
  run: string;
  cases: number;
  failures: number;
  lost?: number;
  detail?: string;
}

interface RunResult {
  group: string;
  file: string;
  tests: number;
  passed: number;
  failed: number;
  seconds: number;
  figures: Figures[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TAG = /^\s*# reliability (\{.*\})\s*$/;

function runFile(run: Run): RunResult {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-timeout=600000', run.file],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  const lines = `${r.stdout}`.split('\n');
  const figures = lines.flatMap((l) => {
    const m = TAG.exec(l);
    return m ? [JSON.parse(m[1]) as Figures] : [];
  });
  const count = (name: string) => Number(lines.find((l) => l.startsWith(`# ${name} `))?.split(' ')[2] ?? 0);
  // A file that dies without reporting a failing test still counts as one failure.
  const failed = count('fail') || (r.status === 0 ? 0 : 1);
  return {
    group: run.group,
    file: run.file,
    tests: count('tests'),
    passed: count('pass'),
    failed,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    figures,
  };
}

function table(results: RunResult[]): string {
  const rows = [['group', 'run', 'cases', 'failures', 'lost', 'tests', 'detail']];
  for (const r of results) {
    const figs = r.figures.length ? r.figures : [{ run: r.file, cases: r.tests, failures: r.failed }];
    for (const f of figs) {
      rows.push([
        r.group,
        f.run,
        f.cases.toLocaleString('en'),
        String(f.failures),
        f.lost === undefined ? '–' : String(f.lost),
        `${r.passed}/${r.tests}`,
        f.detail ?? '',
      ]);
    }
  }
  const lines = rows.map((c) => `| ${c.join(' | ')} |`);
  lines.splice(1, 0, `|${rows[0].map(() => '---').join('|')}|`);
  return lines.join('\n');
}

const wanted = process.argv.slice(2);
const runs = wanted.length ? RUNS.filter((r) => wanted.some((w) => r.group.includes(w))) : RUNS;
const results: RunResult[] = [];
for (const run of runs) {
  process.stderr.write(`• ${run.group}: ${run.file} …`);
  const r = runFile(run);
  process.stderr.write(` ${r.passed}/${r.tests} passed in ${r.seconds} s\n`);
  results.push(r);
}
console.log(table(results));
writeResult('reliability', results);
process.exitCode = results.some((r) => r.failed > 0 || r.tests === 0) ? 1 : 0;
