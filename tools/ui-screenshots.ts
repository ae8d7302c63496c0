/**
 * Screenshots of every page of the web UI, for people to look at (README links them): trains three
 * runs on the bundled concrete.csv into a fresh models folder, opens the UI in Debian's headless
 * Chromium and writes docs/ui/<page>.png.
 *
 *   node --import tsx tools/ui-screenshots.ts
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
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
const ui = await startServer({
  modelsDir: models,
  port: 0,
  ui: true,
  signals: [],
  adminToken: 'screenshot-admin-token',
  log: { durability: 'ack' },
});
await replayTraffic(`${ui.url}/predict`, data);
const uiUrl = `${ui.url}/ui/`;
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const [name, hash] of [
  ['runs', '#/runs?sort=test&order=desc'],
  ['run', `#/run/${ids[0]}`],
  ['compare', `#/compare?ids=${ids[0]},${ids[1]}`],
  ['predict', '#/predict'],
  ['production', '#/production'],
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

/** 600 rows of the data file as traffic, the second half with cement shifted (drift to show). */
async function replayTraffic(url: string, csv: string): Promise<void> {
  const [head, ...lines] = readFileSync(csv, 'utf8').trim().split('\n');
  const names = head.split(',').map((x) => x.replace(/"/g, ''));
  const rows = lines.filter((_, i) => i % 3 === 0).slice(0, 300);
  for (const [k, shift] of [
    [0, 0],
    [1, 250],
  ] as const) {
    const body = rows.map((l) => {
      const v = l.split(',').map(Number);
      const r = Object.fromEntries(names.slice(0, -1).map((n, j) => [n, v[j]]));
      return { ...r, cement: r.cement + shift * k };
    });
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}
