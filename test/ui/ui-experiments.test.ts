/**
 * The experiments page over a real A/B test: production ridge (v1) against gbdt (v2), started from
 * the API behind the write guard, traffic and feedback through an in-process server following the
 * experiment. The page's test shows the numbers `tabflow ab status` prints; concluding from the
 * page in Chromium — by keyboard — promotes or keeps as `tabflow ab conclude` would, and the
 * experiment then appears as ended with its recorded numbers. axe-core finds nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ExperimentsJson } from '../../src/ui/api-types.js';
import { type RunningUi, startUi } from '../../src/ui/index.js';
import { abServer, replayTraffic, trainVersions } from '../experiment/ab-fixture.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { axeViolations, browserMissing, launch, rendered } from './browser.js';

const TOKEN = 'experiments-admin-token-01';
const WRITE = { authorization: `Bearer ${TOKEN}`, 'x-tabflow-ui': '1', 'content-type': 'application/json' };

let root: string;
let ui: RunningUi;

before(async () => {
  root = await trainVersions(['ridge', 'gbdt'], 'tabflow-ui-ab-');
  ui = await startUi({ modelsDir: root, port: 0, adminToken: TOKEN });
});
after(() => ui?.close());

const base = () => ui.url.replace(/\/ui\/$/, '');
const overview = async () => (await (await fetch(`${base()}/api/experiments`)).json()) as ExperimentsJson;
const post = (path: string, body: object, headers: Record<string, string> = WRITE) =>
  fetch(`${base()}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

describe('the experiments page', { timeout: 240_000 }, () => {
  it('lists no experiment at first, and offers v2 as the challenger', async () => {
    const x = await overview();
    assert.equal(x.running, null);
    assert.deepEqual(x.ended, []);
    assert.equal(x.production_version, 1);
    assert.deepEqual(
      x.challengers.map((c) => c.version),
      [2],
    );
    assert.equal(x.writable, true);
    assert.equal(x.rule?.metric, 'mae');
  });

  it('starts only through the write guard', async () => {
    const noHeader = await post(
      '/api/experiments/start',
      { challenger: 2 },
      { ...WRITE, 'x-tabflow-ui': '0' },
    );
    assert.equal(noHeader.status, 403);
    const { authorization: _, ...noToken } = WRITE;
    assert.equal((await post('/api/experiments/start', { challenger: 2 }, noToken)).status, 401);
    const cross = await post(
      '/api/experiments/start',
      { challenger: 2 },
      { ...WRITE, origin: 'https://evil.example' },
    );
    assert.equal(cross.status, 403);
    const bad = await post('/api/experiments/start', { challenger: 'two' });
    assert.equal(bad.status, 400);
    const ok = await post('/api/experiments/start', { challenger: 2, weight: 0.5, key: 'customer_id' });
    assert.equal(ok.status, 200, await ok.clone().text());
    const again = await post('/api/experiments/start', { challenger: 2 });
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'experiment_running');
  });

  it('shows per-arm traffic and accuracy, and the test exactly as tabflow ab status computes it', async () => {
    const { app } = await abServer(root);
    try {
      assert.equal(await replayTraffic(app, 0, 320), 320);
    } finally {
      await app.close();
    }
    const x = await overview();
    const e = x.running;
    assert.ok(e, 'a running experiment');
    assert.equal(e.design, 'split');
    assert.equal(e.weight, 0.5);
    const cli = await tabflowInProcess(['ab', 'status', '--json', '--dir', root], root);
    assert.equal(cli.code, 0, cli.stderr);
    const s = JSON.parse(cli.stdout);
    assert.equal(e.id, s.experiment.id);
    assert.equal(e.test?.source, 'live');
    assert.equal(e.test?.verdict, s.verdict);
    assert.equal(e.test?.reason, s.reason);
    assert.equal(e.test?.advice, s.advice);
    assert.deepEqual(e.test?.t_test, s.comparison.t_test);
    assert.deepEqual(e.test?.bootstrap, s.comparison.bootstrap);
    const [champ, chal] = e.arms;
    for (const [arm, cliArm] of [
      [champ, s.champion],
      [chal, s.challenger],
    ]) {
      assert.equal(arm.version, cliArm.version);
      assert.equal(arm.live.n, cliArm.n);
      assert.equal(arm.live.mae, cliArm.mae);
      assert.equal(arm.live.rmse, cliArm.rmse);
      assert.equal(arm.live.coverage, cliArm.coverage);
      assert.equal(arm.traffic.rows, cliArm.rows_logged);
      assert.equal(arm.traffic.rejected, 0);
      assert.ok((arm.traffic.latency_ms.p50 ?? -1) >= 0);
    }
    assert.equal(champ.traffic.rows + chal.traffic.rows, 320);
    assert.equal(champ.share, 0.5);
  });

  it('refuses to end an experiment other than the running one', async () => {
    const r = await post('/api/experiments/conclude', { id: 'ab-not-this-one', force: true });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error: string }).error, 'experiment_changed');
    const early = await post('/api/experiments/conclude', { id: (await overview()).running?.id ?? '' });
    assert.equal(early.status, 400, 'the planned sample size is not reached');
    assert.equal(((await early.json()) as { error: string }).error, 'not_ready');
  });

  it('in Chromium: shows the arms and the test, passes axe-core, and concludes by keyboard', {
    skip: browserMissing(),
  }, async () => {
    const before = await overview();
    const id = before.running?.id as string;
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${ui.url}#/experiments`);
      await rendered(page);
      const running = `section[data-status="running"][data-experiment="${id}"]`;
      assert.equal(
        await page.textContent(`${running} tr[data-arm="challenger"] td[data-col="n"]`),
        String(before.running?.arms[1].live.n),
      );
      assert.equal(
        await page.textContent(`${running} td[data-col="verdict"]`),
        before.running?.test?.verdict.replace(/_/g, ' ').toUpperCase(),
      );
      assert.deepEqual(await axeViolations(page), []);
      await page.fill('#admin-token', TOKEN);
      await page.focus('#conclude');
      await page.keyboard.press('Enter');
      await page.waitForSelector('dialog[open] #dialog-confirm');
      assert.deepEqual(await axeViolations(page), [], 'with the dialog open');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'dialog-confirm');
      await page.keyboard.press('Enter');
      await page.waitForSelector(`section[data-status="concluded"][data-experiment="${id}"]`);
      assert.match(
        (await page.textContent('#experiments-status')) ?? '',
        /Promoted the challenger|Kept the champion/,
      );
      assert.equal((await page.$('#no-experiment')) !== null, true);
      // The start form and the ended experiment, checked too.
      await page.waitForSelector('#start-form');
      assert.deepEqual(await axeViolations(page), [], 'with the start form and an ended experiment');
    } finally {
      await browser?.close();
    }
  });

  it('lists the concluded experiment with the numbers recorded at its end', async () => {
    const x = await overview();
    if (x.running) {
      // Without a browser the conclusion happens here, as the page would send it.
      const r = await post('/api/experiments/conclude', { id: x.running.id, force: true });
      assert.equal(r.status, 200, await r.clone().text());
    }
    const y = await overview();
    assert.equal(y.running, null);
    const e = y.ended[0];
    assert.equal(e.status, 'concluded');
    assert.ok(e.outcome === 'promoted' || e.outcome === 'kept_champion', String(e.outcome));
    assert.equal(e.test?.source, 'recorded');
    assert.equal(e.test?.n.champion, e.arms[0].live.n);
    assert.equal(e.arms[0].traffic.rows + e.arms[1].traffic.rows, 320);
    const history = await tabflowInProcess(['models', 'history', '--models-dir', root, '--json'], root);
    assert.match(history.stdout, new RegExp(`${e.id}`));
  });
});
