/**
 * Screenshots of every page of the web UI, for people to look at (README links them): trains three
 * runs on the bundled concrete.csv into a fresh models folder, starts an A/B test of v2 against
 * production v1, replays traffic (cement shifted in its second half) with its actuals as feedback,
 * opens the UI in Debian's headless Chromium and writes docs/ui/<page>.png — the production page
 * with the drifted feature's histogram, the experiments page with both arms and the test.
 *
 *   node --import tsx tools/ui-screenshots.ts
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { startExperiment } from '../src/experiment/index.js';
import { startServer } from '../src/serve/start-server.js';
import { launch, rendered } from '../test/ui/browser.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs', 'ui');
mkdirSync(out, { recursive: true });
const models = mkdtempSync(join(tmpdir(), 'tabflow-shots-'));
const data = join(root, 'examples', 'data', 'concrete.csv');
for (const [candidates, seed, tag] of [
  ['ridge,gbdt,random_forest,svr', '1', 'team=alpha'],
  ['ridge,gbdt,extra_trees', '2', 'team=beta'],
  ['linear,tree,knn', '3', 'team=alpha'],
]) {
  const args = ['train', '--data', data, '--target', 'compressive_strength', '--models', candidates];
  const code = await main(['node', 'tabflow', ...args, '--seed', seed, '--tag', tag, '--models-dir', models]);
  if (code !== 0) throw new Error(`training failed (${code})`);
}
const ids = readdirSync(join(models, 'runs')).sort();
// Before the server starts, so it follows the experiment from its first request.
await startExperiment(models, { challenger: 2, weight: 0.5, reason: 'screenshots' });
const ui = await startServer({
  modelsDir: models,
  port: 0,
  ui: true,
  signals: [],
  adminToken: 'screenshot-admin-token',
  log: { durability: 'ack' },
});
await replayTraffic(ui.url, data);
const uiUrl = `${ui.url}/ui/`;
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const [name, hash] of [
  ['runs', '#/runs?sort=test&order=desc'],
  ['run', `#/run/${ids[0]}`],
  ['compare', `#/compare?ids=${ids[0]},${ids[1]}`],
  ['predict', '#/predict'],
  ['production', '#/production'],
  ['experiments', '#/experiments'],
  // Last: its screenshot leaves the promotion dialog open.
  ['models', '#/models'],
]) {
  await page.goto(`${uiUrl}${hash}`);
  await rendered(page);
  if (name === 'models') {
    await page.fill('#admin-token', 'screenshot-admin-token');
    await page.click('tr[data-version="2"] button[data-promote="production"]');
    await page.waitForSelector('dialog[open] #gate-decision');
  }
  if (name === 'predict') {
    await page.click('form.predict button[type=submit]');
    await page.waitForSelector('#predicted-value');
  }
  await page.waitForTimeout(300); // charts draw on the next animation frame
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  console.log(`wrote docs/ui/${name}.png`);
}
await browser.close();
await ui.close();

/**
 * 600 rows of the data file as traffic, the second half with cement shifted (drift to show), and
 * their actuals as feedback (live accuracy per arm to show).
 */
async function replayTraffic(base: string, csv: string): Promise<void> {
  const [head, ...lines] = readFileSync(csv, 'utf8').trim().split('\n');
  const names = head.split(',').map((x) => x.replace(/"/g, ''));
  const rows = lines.filter((_, i) => i % 3 === 0).slice(0, 300);
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  for (const shift of [0, 250]) {
    const values = rows.map((l) => l.split(',').map(Number));
    const body = values.map((v) => {
      const r = Object.fromEntries(names.slice(0, -1).map((n, j) => [n, v[j]]));
      return { ...r, cement: r.cement + shift };
    });
    const answer = (await (await post('/predict', body)).json()) as { request_id: string };
    const feedback = values.map((v, row) => ({
      request_id: answer.request_id,
      row,
      actual: v[names.length - 1],
    }));
    await post('/feedback', { feedback });
  }
}
