/**
 * Screenshots of every page of the web UI, for people to look at (README links them): trains three
 * runs on the bundled concrete.csv into a fresh models folder, opens the UI in Debian's headless
 * Chromium and writes docs/ui/<page>.png.
 *
 *   node --import tsx tools/ui-screenshots.ts
 */
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { startUi } from '../src/ui/index.js';
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
const ui = await startUi({ modelsDir: models, port: 0, adminToken: 'screenshot-admin-token' });
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const [name, hash] of [
  ['runs', '#/runs?sort=test&order=desc'],
  ['run', `#/run/${ids[0]}`],
  ['compare', `#/compare?ids=${ids[0]},${ids[1]}`],
  ['predict', '#/predict'],
  ['models', '#/models'],
]) {
  await page.goto(`${ui.url}${hash}`);
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
