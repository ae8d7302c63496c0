/**
 * Many serving nodes (issue 13): `tabflow serve` as a user runs it (the built CLI), single-row
 * POST /predict with a 100-tree gbdt on diamonds, 50 connections in all (autocannon), prediction
 * log on (buffered):
 *   - 1 node on the embedded stores (SQLite registry and log, models folder);
 *   - 1 node on PostgreSQL (what the store costs, apart from the node count);
 *   - 1 node on PostgreSQL (the store's cost, apart from the node count);
 *   - 2 nodes on PostgreSQL (registry, log and artifact store; each node its own cache, no
 *     models folder), 25 connections each, at the same time.
 * Rounds alternate. Then, with the 2 nodes running and probed by one request loop each, the
 * production stage is moved back and forth (promote v2 / rollback) from this process, and the
 * time from the committed move to each node's first answer from the new version is recorded.
 * On this 2-core machine both nodes, PostgreSQL and the load generator share the same cores.
 *
 *   npm run build && node --import tsx bench/serving-nodes.ts [--seconds 8] [--rounds 2] [--moves 10]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { promote } from '../src/promotion/index.js';
import { ModelRegistry } from '../src/registry/index.js';
import { useStorage } from '../src/store/storage-setting.js';
import { type AutocannonResult, autocannon, numberArg } from './bench-kit.js';
import { writeResult } from './write-result.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/tabflow.js');
const DATA = join(ROOT, 'examples/data/diamonds.csv');
const arg = numberArg;
const SECONDS = arg('seconds', 8);
const ROUNDS = arg('rounds', 2);
const MOVES = arg('moves', 10);
const PG_URL = process.env.TABFLOW_TEST_POSTGRES ?? `postgres://${userInfo().username}@127.0.0.1:5432/test`;

const RECORD = {
  carat: 0.7,
  cut: 'Ideal',
  color: 'G',
  clarity: 'VS2',
  depth: 61.5,
  table: 56,
  x: 5.7,
  y: 5.72,
  z: 3.51,
};

function tabflow(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (r.status !== 0) throw new Error(`tabflow ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** `tabflow serve …` in `cwd`, resolved with its URL once it listens. */
function serve(args: string[], cwd: string, children: ChildProcess[]): Promise<string> {
  const c = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TABFLOW_ENV: '' },
  });
  children.push(c);
  let err = '';
  return new Promise((resolve, reject) => {
    c.stderr!.on('data', (d) => {
      err += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Ctrl-C to stop/.exec(err);
      if (m) resolve(m[1]);
    });
    c.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${err}`)));
  });
}

function load(url: string, connections: number): Promise<AutocannonResult> {
  return autocannon({
    url: `${url}/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(RECORD),
    connections,
    duration: SECONDS,
  });
}

/** Several autocannon runs at once, as one: requests summed, the worst p99. */
async function loadAll(urls: string[]) {
  const each = Math.round(50 / urls.length);
  const rs = await Promise.all(urls.map((u) => load(u, each)));
  return {
    req_per_s: Math.round(rs.reduce((s, r) => s + r.requests.average, 0)),
    p50_ms: Math.max(...rs.map((r) => r.latency.p50)),
    p99_ms: Math.max(...rs.map((r) => r.latency.p99)),
    failed: rs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
  };
}

/** One request loop per node, recording the version of every answer. */
function probe(urls: string[]) {
  const seen = urls.map(() => [] as { version: number; at: number }[]);
  let failed = 0;
  let running = true;
  const loops = urls.map(async (u, i) => {
    while (running) {
      try {
        const res = await fetch(`${u}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(RECORD),
        });
        const body = (await res.json()) as { model: { version: number } };
        if (res.status !== 200) failed++;
        else seen[i].push({ version: body.model.version, at: performance.now() });
      } catch {
        failed++;
      }
    }
  });
  return {
    seen,
    failed: () => failed,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tabflow-bench-nodes-'));
  const schema = `tabflow_bench_${process.pid}`;
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  const uri = url.toString();
  const children: ChildProcess[] = [];
  try {
    const models =
      "data: {path: DATA, target: price}\nmodels:\n  - {name: gbdt, model: gbdt, params: {max_iter: ITER, early_stopping: 'false'}}\n";
    const config = (iter: number, storage: boolean) =>
      models.replace('DATA', JSON.stringify(DATA)).replace('ITER', String(iter)) +
      (storage ? `storage: {uri: ${JSON.stringify(uri)}, artifacts: ${JSON.stringify(uri)}}\n` : '');
    writeFileSync(join(work, 'embedded.yaml'), config(100, false));
    writeFileSync(join(work, 'shared.yaml'), config(100, true));
    writeFileSync(join(work, 'shared-v2.yaml'), config(60, true));
    console.log(
      'training 100-tree gbdt on diamonds: embedded stores, then PostgreSQL (v1) and a 60-tree v2 …',
    );
    tabflow(['train', '--config', 'embedded.yaml', '--out', 'embedded'], work);
    tabflow(['train', '--config', 'shared.yaml', '--out', 'shared'], work);
    tabflow(['train', '--config', 'shared-v2.yaml', '--out', 'shared'], work);

    const single = await serve(['--stage', 'production', '--models-dir', 'embedded'], work, children);
    const nodes = await Promise.all(
      ['a', 'b'].map((n) => {
        const host = join(work, `node-${n}`);
        mkdirSync(host);
        writeFileSync(
          join(host, 'node.yaml'),
          `storage: {uri: ${JSON.stringify(uri)}, artifacts: ${JSON.stringify(uri)}, artifact_cache: cache}\n`,
        );
        return serve(['--config', 'node.yaml', '--stage', 'production'], host, children);
      }),
    );

    const rounds: Record<string, unknown>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const one = await loadAll([single]);
      const onePg = await loadAll([nodes[0]]);
      const two = await loadAll(nodes);
      console.log(
        `round ${r + 1}: 1 node SQLite ${JSON.stringify(one)} · 1 node PostgreSQL ${JSON.stringify(onePg)} · 2 nodes PostgreSQL ${JSON.stringify(two)}`,
      );
      rounds.push({ round: r + 1, one_node_sqlite: one, one_node_postgres: onePg, two_nodes_postgres: two });
    }

    // Stage moves from this process (the "admin host"), measured to each node's first new answer.
    useStorage({ uri });
    const reg = await ModelRegistry.open(join(work, 'shared'));
    const p = probe(nodes);
    const lags: number[][] = [];
    try {
      for (let m = 0; m < MOVES; m++) {
        const to = m % 2 === 0 ? 2 : 1;
        await new Promise((r) => setTimeout(r, 300));
        if (to === 2) await promote(reg, 2, 'production', { force: true, reason: 'bench' });
        else await reg.rollback('production', { reason: 'bench' });
        const moved = performance.now();
        const first = async (i: number) => {
          for (;;) {
            const hit = p.seen[i].find((s) => s.at >= moved && s.version === to);
            if (hit) return hit.at - moved;
            await new Promise((r) => setTimeout(r, 5));
          }
        };
        lags.push(await Promise.all(nodes.map((_, i) => first(i))));
      }
    } finally {
      await p.stop();
      await reg.close();
    }
    const all = lags.flat().sort((a, b) => a - b);
    const switchLag = {
      moves: MOVES,
      per_move_ms: lags.map((l) => l.map((x) => Math.round(x))),
      median_ms: Math.round(all[Math.floor(all.length / 2)]),
      max_ms: Math.round(all[all.length - 1]),
      failed_requests: p.failed(),
      probe_requests: p.seen.reduce((s, x) => s + x.length, 0),
    };
    console.log(`switch lag: ${JSON.stringify(switchLag)}`);
    const model = JSON.parse(readFileSync(join(work, 'embedded/production/metadata.json'), 'utf8'));
    writeResult('serving-nodes', {
      model: `${model.selected_model.name} on diamonds`,
      connections: 50,
      seconds: SECONDS,
      rounds,
      switch_lag: switchLag,
    });
  } finally {
    for (const c of children) c.kill('SIGTERM');
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
