/**
 * The production page over real traffic: `serve --ui` logs what it predicts, and the page shows
 * the numbers `tabflow monitor` computes — no drift after rows like the training data, drift on
 * the shifted feature after replayed traffic that moved it — in the API and in the browser.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { Rng } from '../../src/core/random.js';
import { type RunningServer, startServer } from '../../src/serve/start-server.js';
import type { ProductionJson } from '../../src/ui/api-types.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { axeViolations, browserMissing, launch, rendered } from './browser.js';
import { writableCopy } from './fixture.js';

/** concrete.csv's rows as records without the target, in a seeded random order (the file is sorted). */
function concreteRecords(): Record<string, number>[] {
  const [head, ...lines] = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
  const names = head.split(',').map((s) => s.replace(/"/g, ''));
  const rows = lines.map((l) => {
    const v = l.split(',').map(Number);
    return Object.fromEntries(names.slice(0, -1).map((n, j) => [n, v[j]]));
  });
  return Array.from(new Rng(7).permutation(rows.length), (i) => rows[i]);
}

/** The mean bin index under proportions `p` (where the mass of a histogram sits). */
function meanBin(p: number[]): number {
  return p.reduce((s, x, i) => s + x * i, 0) / p.reduce((s, x) => s + x, 0);
}

let server: RunningServer;
let models: string;

before(async () => {
  models = await writableCopy();
  server = await startServer({
    modelsDir: models,
    port: 0,
    ui: true,
    signals: [],
    log: { durability: 'ack' },
  });
});
after(() => server?.close());

const predict = async (records: Record<string, number>[]) => {
  for (let i = 0; i < records.length; i += 100) {
    const r = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(records.slice(i, i + 100)),
    });
    assert.equal(r.status, 200, await r.text());
  }
};
const production = async () => (await (await fetch(`${server.url}/api/production`)).json()) as ProductionJson;

describe('the production page', () => {
  it('before any traffic says there is not enough data', async () => {
    const p = await production();
    assert.equal(p.monitoring?.status, 'insufficient_data');
    assert.equal(p.traffic?.rows, 0);
    assert.match(p.monitoring?.drift_note ?? '', /no logged predictions/);
  });

  it('shows the traffic, and drift on the feature that replayed traffic shifted, as tabflow monitor does', async () => {
    const rows = concreteRecords();
    await predict(rows.slice(0, 400));
    const calm = await production();
    assert.equal(calm.traffic?.rows, 400);
    assert.equal(calm.traffic?.rejected, 0);
    assert.ok((calm.traffic?.latency_ms.p50 ?? -1) >= 0);
    assert.deepEqual(calm.monitoring?.drift?.dataset.drifted_features, []);
    await predict(rows.slice(400, 800).map((r) => ({ ...r, cement: r.cement + 250 })));
    const shifted = await production();
    const cement = shifted.monitoring?.drift?.features.find((f) => f.feature === 'cement');
    assert.equal(cement?.drifted, true);
    assert.ok(shifted.monitoring?.drift?.dataset.drifted_features.includes('cement'));
    // The histogram moved: the current window's mass sits in higher bins than the training's.
    const d = cement?.distribution as NonNullable<typeof cement>['distribution'];
    assert.equal(d.bins.length, d.reference.length);
    assert.ok(meanBin(d.current) > meanBin(d.reference) + 1, `${d.reference} → ${d.current}`);
    assert.ok(Math.abs(d.reference.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    const cli = await tabflowInProcess(['monitor', '--models-dir', models, '--json'], models);
    const monitor = JSON.parse(cli.stdout) as NonNullable<ProductionJson['monitoring']>;
    assert.deepEqual(
      shifted.monitoring?.drift?.features.map((f) => [f.feature, f.statistic, f.drifted, f.distribution]),
      monitor.drift?.features.map((f) => [f.feature, f.statistic, f.drifted, f.distribution]),
    );
  });

  it('in the browser: the drifted feature is flagged, the page refreshes itself and passes axe-core', {
    skip: browserMissing(),
  }, async () => {
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${server.url}/ui/#/production`);
      await rendered(page);
      assert.match((await page.textContent('#drift-summary')) ?? '', /cement/);
      assert.equal(await page.textContent('tr[data-feature="cement"] td[data-col="drifted"]'), 'YES');
      // The first drifted feature's histogram shows, shifted: its numbers are in the page too.
      await page.waitForSelector('#drift-histogram[data-feature="cement"] figure canvas');
      const shares = async (col: string) =>
        (
          await page.$$eval(`#drift-histogram td[data-col="${col}"]`, (tds) =>
            tds.map((t) => t.textContent ?? ''),
          )
        ).map((t) => Number(t.replace('%', '')) / 100);
      assert.ok(meanBin(await shares('current')) > meanBin(await shares('reference')) + 1);
      assert.deepEqual(await axeViolations(page), []);
      // By keyboard: another feature's histogram button, pressed with Enter.
      await page.focus('#histogram-water');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#drift-histogram[data-feature="water"]');
      assert.equal(await page.getAttribute('#histogram-water', 'aria-pressed'), 'true');
      assert.equal(await page.getAttribute('#histogram-cement', 'aria-pressed'), 'false');
      const first = await page.textContent('#generated-at');
      await page.waitForFunction((t) => document.getElementById('generated-at')?.textContent !== t, first, {
        timeout: 15_000,
      });
      // The refresh kept the picked histogram and the keyboard focus.
      assert.equal(await page.getAttribute('#drift-histogram', 'data-feature'), 'water');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'histogram-water');
      await page.click('#refresh-toggle');
      await page.waitForSelector('#refresh-toggle[aria-pressed="true"]');
    } finally {
      await browser?.close();
    }
  });
});
