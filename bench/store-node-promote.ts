/**
 * What a promotion costs on a node that serves from the artifact store (issue 13): the same
 * gated promotion of v2 (gbdt) over v1 (ridge) on diamonds, alternated with a rollback,
 *   - on the training host: `promote()` over the models folder, the data file on its disk;
 *   - on a node, cold: an empty cache — both runs and the training data fetched from
 *     PostgreSQL, every file checked, then the gate;
 *   - on a node, warm: the cache holds them (each file checked again), then the gate.
 * Each round also checks that the node's gate numbers are the training host's. PostgreSQL holds
 * the registry, the log and the artifact store; everything shares this machine's cores.
 *
 *   npm run build && node --import tsx bench/store-node-promote.ts [--rounds 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type GateResult, promote } from '../src/promotion/index.js';
import { ModelRegistry } from '../src/registry/index.js';
import { storePromoter } from '../src/serve/store-promoter.js';
import { useStorage } from '../src/store/storage-setting.js';
import { numberArg } from './bench-kit.js';
import { writeResult } from './write-result.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATA = join(ROOT, 'examples/data/diamonds.csv');
const ROUNDS = numberArg('rounds', 3);
const PG_URL = process.env.TABFLOW_TEST_POSTGRES ?? `postgres://${userInfo().username}@127.0.0.1:5432/test`;
const KEYS = ['candidate', 'incumbent', 'improvement_abs', 'rows', 'eval', 'passed'] as const;

async function sql(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

function tabflow(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tabflow.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (r.status !== 0) throw new Error(`tabflow ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pick = (g: Partial<GateResult>) => JSON.stringify(KEYS.map((k) => g[k]));

async function main(): Promise<void> {
  const schema = `tabflow_bench_${process.pid}`;
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  const uri = url.toString();
  const host = mkdtempSync(join(tmpdir(), 'tabflow-bench-promote-'));
  const models = join(host, 'models');
  try {
    writeFileSync(join(host, 'train.yaml'), `storage:\n  uri: ${uri}\n  artifacts: ${uri}\n`);
    for (const family of ['ridge', 'gbdt']) {
      const out = tabflow(
        [
          'train',
          '--config',
          'train.yaml',
          '--data',
          DATA,
          '--target',
          'price',
          '--models',
          family,
          '--models-dir',
          models,
        ],
        host,
      );
      console.log(
        out
          .split('\n')
          .filter((l) => /published|with its training data/.test(l))
          .join('\n'),
      );
    }
    useStorage({ uri });
    const times = { training_host: [] as number[], node_cold: [] as number[], node_warm: [] as number[] };
    const rollback = async () => {
      const reg = await ModelRegistry.open(models);
      await reg.rollback('production');
      await reg.close();
    };
    let same = true;
    for (let round = 0; round < ROUNDS; round++) {
      let t0 = performance.now();
      const reg = await ModelRegistry.open(models);
      const onHost = await promote(reg, 2, 'production', { reason: 'bench' });
      await reg.close();
      times.training_host.push(performance.now() - t0);
      await rollback();
      const cache = join(host, `cache-${round}`);
      const node = storePromoter({
        serving: { artifacts: uri, cacheDir: cache },
        root: join(host, 'node'),
        rawConfig: {},
      });
      for (const kind of ['node_cold', 'node_warm'] as const) {
        t0 = performance.now();
        const onNode = await node({ version: 2, stage: 'production', force: false, actor: 'bench' });
        times[kind].push(performance.now() - t0);
        same &&= pick(onNode as Partial<GateResult>) === pick(onHost);
        await rollback();
      }
      console.log(
        `round ${round + 1}: training host ${times.training_host[round].toFixed(0)} ms, node cold ` +
          `${times.node_cold[round].toFixed(0)} ms, warm ${times.node_warm[round].toFixed(0)} ms, same decision: ${same}`,
      );
    }
    const result = {
      data: 'diamonds.csv (53,940 rows, 2.7 MB)',
      candidate: 'v2 gbdt',
      incumbent: 'v1 ridge',
      rounds: ROUNDS,
      ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => Math.round(x))])),
      median_ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))])),
      same_decision_every_round: same,
      /** 1, 5 and 15 minute load averages at the end (other jobs share this machine). */
      load_average: loadavg().map((x) => Number(x.toFixed(1))),
    };
    console.log(JSON.stringify(result.median_ms));
    writeResult('store-node-promote', result);
  } finally {
    useStorage({});
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    rmSync(host, { recursive: true, force: true });
  }
}

await main();
