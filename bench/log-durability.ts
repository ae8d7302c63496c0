/**
 * What `log.durability: ack` costs: single-row POST /predict against `tabflow serve` (one
 * process, a 100-tree gbdt on diamonds, as bench/serve.ts) with the prediction log `buffered`
 * (default) and `ack`, alternating rounds, at 50 concurrent connections (throughput) and at one
 * connection (latency of a lone client, who pays for a commit per request). Beside req/s (which
 * a busy machine blurs) it reports the server's CPU seconds per 1,000 answers, read from /proc,
 * which other processes disturb much less. After each server
 * stops, its log must hold one row per 2xx answer (plus those in flight at the deadline).
 *
 * usage: node --import tsx bench/log-durability.ts [--seconds 6] [--rounds 2]
 * writes bench/results/log-durability.json
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { autocannon, numberArg } from './bench-kit.js';
import { writeResult } from './write-result.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATA = join(ROOT, 'examples/data/diamonds.csv');
const arg = numberArg;
const SECONDS = arg('seconds', 6);
const ROUNDS = arg('rounds', 2);
const tsx = import.meta.resolve('tsx');
const cliEntry = join(ROOT, 'test/helpers/tabflow-cli.ts');
const MODES = ['buffered', 'ack'] as const;
const CONNECTIONS = [50, 1];

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

async function start(
  work: string,
  model: string,
  mode: string,
): Promise<{ child: ChildProcess; url: string; db: string }> {
  const port = await freePort();
  const config = join(work, `${mode}.yaml`);
  writeFileSync(config, `log: {durability: ${mode}}\n`);
  const db = join(work, `${mode}-${port}.sqlite`);
  const args = ['serve', '--model', model, '--port', String(port), '--config', config, '--log-db', db];
  const child = spawn(process.execPath, ['--import', tsx, cliEntry, ...args, '--log-level', 'warn'], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`serve (${mode}) exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { child, url, db };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`serve (${mode}) did not come up`);
}

async function stop(child: ChildProcess): Promise<void> {
  const done = new Promise((res) => child.once('exit', res));
  child.kill('SIGTERM');
  await done;
}

/** CPU seconds (user + system) used so far by a process and its live descendants. */
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

function rowsIn(db: string): number {
  const d = new Database(db, { readonly: true });
  const n = d.prepare('SELECT COUNT(*) FROM predictions').pluck().get() as number;
  d.close();
  return n;
}

function diamondsRecord(): Record<string, unknown> {
  const [head, line] = readFileSync(DATA, 'utf8').split('\n');
  const header = head.split(',').map((s) => s.replace(/"/g, ''));
  const cells = line.split(',').map((s) => s.replace(/"/g, ''));
  const rec: Record<string, unknown> = {};
  header.forEach((h, j) => {
    if (h !== 'price') rec[h] = ['cut', 'color', 'clarity'].includes(h) ? cells[j] : Number(cells[j]);
  });
  return rec;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tabflow-bench-durability-'));
  try {
    const config = join(work, 'train.yaml');
    writeFileSync(
      config,
      `data: {path: ${JSON.stringify(DATA)}, target: price}\n` +
        "models:\n  - {name: gbdt, model: gbdt, params: {max_iter: 100, early_stopping: 'false'}}\n",
    );
    console.log('training a 100-tree gbdt on diamonds …');
    const trained = spawnSync(
      process.execPath,
      ['--import', tsx, cliEntry, 'train', '--config', config, '--out', join(work, 'models')],
      { cwd: work, encoding: 'utf8' },
    );
    if (trained.status !== 0) throw new Error(`training failed:\n${trained.stderr}`);
    const model = join(work, 'models/production');
    const body = JSON.stringify(diamondsRecord());
    const runs: Record<string, unknown>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of MODES) {
        const s = await start(work, model, mode);
        let answered = 0;
        for (const connections of CONNECTIONS) {
          const cpu0 = cpuSeconds(s.child.pid as number);
          const r = await autocannon({
            url: `${s.url}/predict`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            connections,
            duration: SECONDS,
          });
          answered += r['2xx'];
          const cpu = cpuSeconds(s.child.pid as number) - cpu0;
          const run = {
            round,
            mode,
            connections,
            req_per_s: Math.round(r.requests.average),
            server_cpu_ms_per_request: Math.round((cpu / Math.max(1, r['2xx'])) * 1e6) / 1000,
            p50_ms: r.latency.p50,
            p99_ms: r.latency.p99,
            mean_ms: r.latency.average,
            non_2xx: r.non2xx,
            errors: r.errors + r.timeouts,
          };
          console.log(JSON.stringify(run));
          runs.push(run);
        }
        await stop(s.child);
        const logged = rowsIn(s.db);
        // autocannon stops counting at the deadline; requests then in flight are answered and logged.
        if (logged < answered || logged > answered + CONNECTIONS.reduce((a, b) => a + b, 0)) {
          throw new Error(`${mode}: ${answered} answered, ${logged} logged`);
        }
      }
    }
    const mean = (mode: string, connections: number, key: string) => {
      const xs = runs
        .filter((r) => r.mode === mode && r.connections === connections)
        .map((r) => r[key] as number);
      return Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
    };
    const summary = Object.fromEntries(
      CONNECTIONS.map((c) => {
        const buffered = mean('buffered', c, 'req_per_s');
        const ack = mean('ack', c, 'req_per_s');
        return [
          `connections_${c}`,
          {
            buffered_req_per_s: buffered,
            ack_req_per_s: ack,
            ack_cost_pct: Math.round((1 - ack / buffered) * 1000) / 10,
            buffered_cpu_ms_per_request: mean('buffered', c, 'server_cpu_ms_per_request'),
            ack_cpu_ms_per_request: mean('ack', c, 'server_cpu_ms_per_request'),
            buffered_p99_ms: mean('buffered', c, 'p99_ms'),
            ack_p99_ms: mean('ack', c, 'p99_ms'),
          },
        ];
      }),
    );
    console.log(JSON.stringify(summary, null, 2));
    writeResult('log-durability', {
      setup: { model: 'gbdt, 100 trees, diamonds', seconds: SECONDS, rounds: ROUNDS, rows_per_request: 1 },
      summary,
      runs,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
