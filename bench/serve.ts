/**
 * HTTP serving benchmark: single-row POST /predict with a 100-tree gbdt on diamonds, 50
 * concurrent connections (autocannon), prediction log on — beside the reference a Python user
 * would write (bench/reference_server.py: Flask + the scikit-learn pipeline of
 * bench/reference/sklearn_workflow.py with a 100-tree HistGradientBoostingRegressor, under
 * gunicorn with one worker per core), in the same run, alternating rounds, loopback only.
 * Target: ≥ 5× the reference's throughput, p99 ≤ 10 ms.
 *
 * usage: node --import tsx bench/serve.ts [--seconds 8] [--rounds 2]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as netServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResult } from './write-result.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATA = join(ROOT, 'examples/data/diamonds.csv');
const TARGET = 'price';
const CONNECTIONS = 50;
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 8);
const ROUNDS = arg('rounds', 2);
const tsx = import.meta.resolve('tsx');
const cliEntry = join(ROOT, 'test/helpers/tabflow-cli.ts');

function diamondsRecord(line: number): Record<string, unknown> {
  const lines = readFileSync(DATA, 'utf8').split('\n');
  const header = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  const cells = lines[line].split(',').map((s) => s.replace(/"/g, ''));
  const rec: Record<string, unknown> = {};
  header.forEach((h, j) => {
    if (h === TARGET) return;
    const x = Number(cells[j]);
    rec[h] = ['cut', 'color', 'clarity'].includes(h) ? cells[j] : x;
  });
  return rec;
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up at ${url}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const done = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  child.kill('SIGTERM');
  return done;
}

/** CPU seconds (user + system) used so far by a process and its descendants that are alive. */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  const visit = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
      for (const t of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        for (const k of kids ? kids.split(' ') : []) visit(Number(k));
      }
    } catch {}
  };
  visit(pid);
  return ticks / 100; // CLK_TCK
}

async function load(url: string, body: string, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

function summary(r: AutocannonResult, cpu: number) {
  return {
    req_per_s: Math.round(r.requests.average),
    server_cpu_s: Number(cpu.toFixed(2)),
    req_per_server_cpu_s: Math.round(r.requests.total / cpu),
    requests: r.requests.total,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    mean_ms: r.latency.average,
    max_ms: r.latency.max,
    non_2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tabflow-bench-serve-'));
  const children: ChildProcess[] = [];
  try {
    const config = join(work, 'config.yaml');
    writeFileSync(
      config,
      `data: {path: ${JSON.stringify(DATA)}, target: ${TARGET}}\n` +
        "models:\n  - {name: gbdt, model: gbdt, params: {max_iter: 100, early_stopping: 'false'}}\n",
    );
    console.log('training a 100-tree gbdt on diamonds …');
    const trained = spawnSync(
      process.execPath,
      ['--import', tsx, cliEntry, 'train', '--config', config, '--out', join(work, 'models')],
      {
        cwd: work,
        encoding: 'utf8',
      },
    );
    if (trained.status !== 0) throw new Error(`training failed:\n${trained.stderr}`);
    const model = join(work, 'models/production');
    const metadata = JSON.parse(readFileSync(join(model, 'metadata.json'), 'utf8'));
    const logDb = join(work, 'models/predictions.sqlite');

    const tfPort = await freePort();
    const tf = spawn(
      process.execPath,
      ['--import', tsx, cliEntry, 'serve', '--model', model, '--port', String(tfPort), '--log-db', logDb],
      { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    children.push(tf);
    const refPort = await freePort();
    const ref = spawn(
      'gunicorn',
      [
        '-w',
        '2',
        '--timeout',
        '120',
        '-b',
        `127.0.0.1:${refPort}`,
        '--log-level',
        'warning',
        'reference_server:app',
      ],
      {
        cwd: join(ROOT, 'bench'),
        // One OpenMP thread per worker: single rows gain nothing from threads, and two workers
        // each spinning a pool on 2 cores would only slow the reference down.
        env: {
          ...process.env,
          REF_DATA: DATA,
          REF_TARGET: TARGET,
          PYTHONPATH: join(ROOT, 'bench'),
          OMP_NUM_THREADS: '1',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(ref);
    await waitFor(`http://127.0.0.1:${tfPort}/ready`, tf, 'tabflow serve');
    await waitFor(`http://127.0.0.1:${refPort}/health`, ref, 'reference server');

    const record = diamondsRecord(1000);
    const body = JSON.stringify(record);
    const check = async (port: number) => {
      const r = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (r.status !== 200) throw new Error(`port ${port} answered ${r.status}: ${await r.text()}`);
      return r.json();
    };
    const tfAnswer = (await check(tfPort)) as { predictions: { prediction: number }[] };
    const refAnswer = (await check(refPort)) as { prediction: number };
    console.log(
      `one row: tabflow ${tfAnswer.predictions[0].prediction.toFixed(1)}, reference ${refAnswer.prediction.toFixed(1)}`,
    );

    const servers = [
      { name: 'tabflow', url: `http://127.0.0.1:${tfPort}/predict`, pid: tf.pid ?? 0 },
      { name: 'reference', url: `http://127.0.0.1:${refPort}/predict`, pid: ref.pid ?? 0 },
    ];
    for (const s of servers) await load(s.url, body, 2); // warm-up (JIT, caches, worker start)
    const rounds: Record<string, ReturnType<typeof summary>[]> = { tabflow: [], reference: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of servers) {
        const cpu0 = cpuSeconds(s.pid);
        const res = await load(s.url, body, SECONDS);
        const r = summary(res, cpuSeconds(s.pid) - cpu0);
        rounds[s.name].push(r);
        console.log(
          `round ${round + 1} ${s.name.padEnd(9)} ${r.req_per_s} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  ` +
            `${r.req_per_server_cpu_s} req per server CPU-second`,
        );
      }
    }
    const exitCode = await stop(tf);
    await stop(ref);
    const logged = spawnSync(
      process.execPath,
      ['--import', tsx, cliEntry, 'logs', '--db', logDb, '--json', '--limit', '0'],
      {
        encoding: 'utf8',
      },
    );
    const loggedRows = JSON.parse(logged.stdout).rows as number;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const tfRps = mean(rounds.tabflow.map((r) => r.req_per_s));
    const refRps = mean(rounds.reference.map((r) => r.req_per_s));
    const tfP99 = Math.max(...rounds.tabflow.map((r) => r.p99_ms));
    const tfTotal = rounds.tabflow.reduce((s, r) => s + r.requests, 0);
    const perCpu = (name: string) =>
      rounds[name].reduce((s, r) => s + r.requests, 0) / rounds[name].reduce((s, r) => s + r.server_cpu_s, 0);
    const result = {
      setup: {
        data: 'examples/data/diamonds.csv',
        model: `gbdt, ${metadata.selected_model.params.max_iter} trees (early stopping off)`,
        run_id: metadata.run_id,
        connections: CONNECTIONS,
        seconds_per_round: SECONDS,
        rounds: ROUNDS,
        request: 'single-row POST /predict (JSON record)',
        tabflow: 'tabflow serve (fastify, one process), prediction log on (SQLite WAL), pino at info',
        reference:
          'Flask + scikit-learn Pipeline(ColumnTransformer, HistGradientBoostingRegressor(max_iter=100)) under gunicorn -w 2 (OMP_NUM_THREADS=1)',
        note: 'load generator, both servers and other jobs share the same 2 cores; compare the ratios, not absolute numbers',
        load_average_at_start: os.loadavg().map((x) => Number(x.toFixed(2))),
      },
      rounds,
      tabflow: {
        req_per_s: Math.round(tfRps),
        req_per_cpu_s: Math.round(perCpu('tabflow')),
        p99_ms_worst_round: tfP99,
      },
      reference: {
        req_per_s: Math.round(refRps),
        req_per_cpu_s: Math.round(perCpu('reference')),
        p99_ms_worst_round: Math.max(...rounds.reference.map((r) => r.p99_ms)),
      },
      throughput_ratio: Number((tfRps / refRps).toFixed(2)),
      // Requests per CPU-second the server itself used: robust to other jobs on the machine.
      cpu_efficiency_ratio: Number((perCpu('tabflow') / perCpu('reference')).toFixed(2)),
      targets: {
        ratio_at_least: 5,
        p99_ms_at_most: 10,
        ratio_met: tfRps / refRps >= 5,
        p99_met: tfP99 <= 10,
      },
      prediction_log: {
        rows: loggedRows,
        tabflow_non_2xx: rounds.tabflow.reduce((s, r) => s + r.non_2xx + r.errors, 0),
        graceful_exit_code: exitCode,
      },
      logged_all: loggedRows >= tfTotal,
    };
    console.log(
      `throughput ratio ${result.throughput_ratio}×, per-CPU ratio ${result.cpu_efficiency_ratio}×, ` +
        `tabflow p99 ${tfP99} ms, ${loggedRows} rows logged`,
    );
    writeResult('serve', result);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
