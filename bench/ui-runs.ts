/**
 * The UI's runs page on a models folder of 1,000 runs (issue 14: "loads in under 1 s there").
 * One real run is trained on concrete.csv, then copied 999 times as distinct, sealed runs (new run
 * id, date, seed and scores; every checksum recomputed, so each copy opens as a real run would).
 * Measured: the first /api/runs after start (every summary read), a warm /api/runs sorted by
 * TEST, and — when Debian's chromium is installed — the page in a browser from navigation to the
 * rendered table.
 *
 *   node --import tsx bench/ui-runs.ts [--runs 1000] [--repeats 5]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  METADATA_SEAL_FILE,
  type MetadataJson,
  type ResultsJson,
  sealText,
  sha256,
} from '../src/artifacts/run-folder.js';
import { main } from '../src/cli/main.js';
import { startUi } from '../src/ui/index.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '1000' }, repeats: { type: 'string', default: '5' } },
});
const RUNS = Number(args.runs);
const REPEATS = Number(args.repeats);

const models = mkdtempSync(join(tmpdir(), 'tabflow-ui-bench-'));
const data = new URL('../examples/data/concrete.csv', import.meta.url).pathname;
const code = await main([
  'node',
  'tabflow',
  'train',
  '--data',
  data,
  '--target',
  'compressive_strength',
  '--models',
  'ridge,gbdt',
  '--models-dir',
  models,
]);
if (code !== 0) throw new Error(`training failed (${code})`);
const [seedRun] = (await import('node:fs')).readdirSync(join(models, 'runs'));
cloneRuns(join(models, 'runs', seedRun), RUNS - 1);

const ui = await startUi({ modelsDir: models, port: 0 });
const api = new URL('/api/runs?sort=test&order=desc', ui.url).href;
const timed = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
};
const coldApi = await timed(() => fetch(api).then((r) => r.json()));
const warmApi: number[] = [];
for (let i = 0; i < REPEATS; i++) warmApi.push(await timed(() => fetch(api).then((r) => r.json())));
const page = await browserLoad(ui.url, REPEATS);
await ui.close();
rmSync(models, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = {
  runs: RUNS,
  first_api_runs_s: coldApi,
  warm_api_runs_median_s: median(warmApi),
  page_load_median_s: page ? median(page) : null,
  page_load_all_s: page,
  target_s: 1,
};
console.table({ ...result, page_load_all_s: page?.map((t) => t.toFixed(3)).join(' ') ?? null });
writeResult('ui-runs', result);

/** `n` copies of run `dir`, each with its own id, date, seed and scores, sealed like a real run. */
function cloneRuns(dir: string, n: number): void {
  const meta0 = readFileSync(join(dir, 'metadata.json'), 'utf8');
  const res0 = readFileSync(join(dir, 'results.json'), 'utf8');
  for (let i = 0; i < n; i++) {
    const id = `20260101-${String(i).padStart(6, '0')}-bench${(i % 10).toString()}`;
    const out = join(dir, '..', id);
    cpSync(dir, out, { recursive: true });
    const res = JSON.parse(res0) as ResultsJson;
    res.run_id = id;
    for (const m of res.models) if (m.metrics?.test) m.metrics.test.r2 -= (i % 97) / 1000;
    const resText = `${JSON.stringify(res, null, 2)}\n`;
    writeFileSync(join(out, 'results.json'), resText);
    const meta = JSON.parse(meta0) as MetadataJson;
    meta.run_id = id;
    meta.seed = i;
    meta.created_at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    meta.artifacts['results.json'] = { sha256: sha256(resText), bytes: Buffer.byteLength(resText) };
    const metaText = `${JSON.stringify(meta, null, 2)}\n`;
    writeFileSync(join(out, 'metadata.json'), metaText);
    writeFileSync(join(out, METADATA_SEAL_FILE), sealText(sha256(metaText)));
  }
}

/** Seconds from navigation to the rendered runs table, `repeats` times; null without chromium. */
async function browserLoad(url: string, repeats: number): Promise<number[] | null> {
  const { existsSync } = await import('node:fs');
  if (!existsSync('/usr/bin/chromium')) return null;
  const { launch, rendered } = await import('../test/ui/browser.js');
  const browser = await launch();
  const page = await browser.newPage();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    times.push(
      await timed(async () => {
        await page.goto(`${url}#/runs?sort=test&order=desc&r=${i}`);
        await rendered(page);
        await page.waitForSelector('tbody tr');
      }),
    );
  }
  await browser.close();
  return times;
}
