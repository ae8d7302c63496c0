/**
 * Does a slow explanation hold the server? A random forest (100 fully grown trees) on diamonds
 * explains 200 rows in one `POST /predict {explain: true}`; meanwhile one client sends plain
 * single-row predictions back to back. Measured with explain requests on a worker thread (what
 * `tabflow serve` does) and on the server's thread: how long the explain request took, how many
 * plain requests were answered while it ran, and their latency.
 *
 *   node --import tsx bench/serve-explain.ts [--rows 200]
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/config.js';
import { DataLoader } from '../src/data/loader.js';
import { InferencePipeline } from '../src/inference/index.js';
import { createServer } from '../src/serve/index.js';
import { fixedModel } from '../src/serve/model-source.js';
import { TrainingPipeline } from '../src/train/training-pipeline.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '200' } } });
const nRows = Number(args.rows);
const data = new URL('../examples/data/diamonds.csv', import.meta.url).pathname;

const cfg = resolveConfig({
  data: { path: data, target: 'price' },
  models: ['random_forest'],
  output: { dir: mkdtempSync(join(tmpdir(), 'bench-serve-explain-')) },
});
const run = await new TrainingPipeline(cfg).run();
const pipeline = InferencePipeline.load(run.runDir);
const records = (await DataLoader.load(data, { target: 'price' })).frame.drop(['price']).toRecords(nRows);

/** ms to two decimals; null when no plain request got through. */
function quantile(xs: number[], q: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2));
}

async function measure(explainThreads: boolean) {
  const app = await createServer({ source: fixedModel(pipeline, { dir: pipeline.dir }), explainThreads });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const post = (body: unknown) =>
    fetch(`${base}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  await post(records[0]); // warm the route
  await post({ records: records.slice(0, 2), explain: true }); // and the thread (start + model load)
  let done = false;
  const t0 = performance.now();
  const explained = post({ records, explain: true }).then(() => {
    done = true;
    return performance.now() - t0;
  });
  const latencies: number[] = [];
  while (!done) {
    const s = performance.now();
    await post(records[latencies.length % nRows]);
    if (!done) latencies.push(performance.now() - s);
  }
  const explainMs = await explained;
  await app.close();
  return {
    explain_rows: nRows,
    explain_seconds: Number((explainMs / 1000).toFixed(3)),
    plain_requests_meanwhile: latencies.length,
    plain_p50_ms: quantile(latencies, 0.5),
    plain_p99_ms: quantile(latencies, 0.99),
    plain_max_ms: quantile(latencies, 1),
  };
}

const result = {
  model: 'random_forest (100 fully grown trees)',
  worker_thread: await measure(true),
  server_thread: await measure(false),
};
console.table({ worker_thread: result.worker_thread, server_thread: result.server_thread });
writeResult('serve-explain', result);
