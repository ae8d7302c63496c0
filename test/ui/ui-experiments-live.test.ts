/**
 * The experiments page in Chromium, from the start form to the stop, refreshing by itself: an
 * experiment started by filling and submitting the form with the admin token (a half-filled form
 * survives a refresh), seen running in the page and in `tabflow ab status --json` with the same
 * numbers; traffic with actuals replayed to a server following it, and the page's arms and test
 * catching up without Refresh — redrawing only those, so the buttons, the typed token, the
 * keyboard focus and an open Stop dialog stay — then stopped through that dialog. An experiment
 * started and stopped elsewhere redraws the page by itself, with a line saying what changed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ExperimentsJson } from '../../src/ui/api-types.js';
import { type RunningUi, startUi } from '../../src/ui/index.js';
import { abServer, replayTraffic, trainVersions } from '../experiment/ab-fixture.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { axeViolations, browserMissing, launch, rendered } from './browser.js';

const TOKEN = 'experiments-live-admin-token';
/** Longer than a refresh period (5 s) and the request it makes. */
const REFRESH_WAIT = { timeout: 20_000 };

let root: string;
let ui: RunningUi;
let browser: Browser | undefined;

before(async () => {
  root = await trainVersions(['ridge', 'gbdt'], 'tabflow-ui-ab-live-');
  ui = await startUi({ modelsDir: root, port: 0, adminToken: TOKEN });
});
after(async () => {
  await browser?.close();
  await ui?.close();
});

const overview = async () =>
  (await (await fetch(ui.url.replace(/\/ui\/$/, '/api/experiments'))).json()) as ExperimentsJson;

/** `tabflow ab status --json` of the models folder. */
async function abStatus() {
  const r = await tabflowInProcess(['ab', 'status', '--json', '--dir', root], root);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Waits until the page's "as of" time is no longer `before`: a refresh drew (nothing pressed). */
async function refreshedAfter(page: Page, before: string | null): Promise<void> {
  await page.waitForFunction(
    (t) => document.getElementById('experiments-as-of')?.textContent !== t,
    before,
    REFRESH_WAIT,
  );
}

/** Waits until the page shows `n` actuals in the challenger's row (a refresh drew them). */
async function challengerActualsShown(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) =>
      document.querySelector('section[data-status="running"] tr[data-arm="challenger"] td[data-col="n"]')
        ?.textContent === String(want),
    n,
    REFRESH_WAIT,
  );
}

/** The page's numbers of an arm of the running experiment. */
async function armOnPage(page: Page, arm: 'champion' | 'challenger') {
  const cell = async (col: string) =>
    (await page.textContent(`section[data-status="running"] tr[data-arm="${arm}"] td[data-col="${col}"]`)) ??
    '';
  return { rows: Number(await cell('rows')), n: Number(await cell('n')), mae: await cell('mae') };
}

/** The page's arm equals the CLI's: rows and actuals exactly, MAE as the page rounds it. */
function assertSameArm(page: { rows: number; n: number; mae: string }, cli: Record<string, number>): void {
  assert.equal(page.rows, cli.rows_logged);
  assert.equal(page.n, cli.n);
  if (cli.n === 0) assert.equal(page.mae, '—');
  else
    assert.ok(
      Math.abs(Number(page.mae) - cli.mae) <= 5e-5 * Math.max(1, Math.abs(cli.mae)),
      `${page.mae} vs ${cli.mae}`,
    );
}

describe('the experiments page, live', { timeout: 240_000, skip: browserMissing() }, () => {
  it('starts an experiment from its form, keeps fresh by itself, and stops from its dialog', async () => {
    browser = await launch();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${ui.url}#/experiments`);
    await rendered(page);
    assert.equal(await page.textContent('#refresh-state'), 'refreshing every 5 s');

    // A half-filled start form (the focus in its key field) survives a refresh.
    await page.fill('#admin-token', TOKEN);
    await page.selectOption('#start-challenger', '2');
    await page.fill('#start-weight', '0.5');
    await page.focus('#start-key');
    await page.keyboard.type('customer_id');
    await refreshedAfter(page, await page.textContent('#experiments-as-of'));
    assert.equal(await page.inputValue('#start-key'), 'customer_id');
    assert.equal(await page.inputValue('#start-weight'), '0.5');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'start-key');

    // Submitted by keyboard (Enter in the field): running in the page and in tabflow ab status.
    await page.keyboard.press('Enter');
    const running = await page.waitForSelector('section[data-status="running"]');
    const id = (await running.getAttribute('data-experiment')) as string;
    assert.match((await page.textContent('#experiments-status')) ?? '', new RegExp(`Started ${id}`));
    const started = await abStatus();
    assert.equal(started.experiment.id, id);
    assert.equal(started.experiment.weight, 0.5);
    assert.equal(started.experiment.key_field, 'customer_id');
    assert.equal(started.challenger.version, 2);
    assert.match(
      (await page.textContent(`section[data-experiment="${id}"] .experiment-summary`)) ?? '',
      /challenger v2 vs champion v1 — split: challenger 50\.0%, champion 50\.0%, sticky by customer_id/,
    );
    assertSameArm(await armOnPage(page, 'champion'), started.champion);
    assertSameArm(await armOnPage(page, 'challenger'), started.challenger);
    assert.equal(
      await page.textContent(`section[data-experiment="${id}"] td[data-col="verdict"]`),
      started.verdict.replace(/_/g, ' ').toUpperCase(),
    );

    // Traffic with actuals through a server following the experiment; the page catches up by
    // itself, redrawing only the live parts: the same Stop button, the focus on the arm's link.
    await page.evaluate(() => {
      (window as unknown as { stopButton: unknown }).stopButton = document.getElementById('stop');
    });
    await page.focus(`#run-${id}-challenger`);
    const { app } = await abServer(root);
    try {
      assert.equal(await replayTraffic(app, 0, 200), 200);
      const s = await abStatus();
      assert.ok(s.challenger.n > 0 && s.champion.n > 0, 'both arms have actuals');
      await challengerActualsShown(page, s.challenger.n);
      assertSameArm(await armOnPage(page, 'champion'), s.champion);
      assertSameArm(await armOnPage(page, 'challenger'), s.challenger);
      assert.equal(
        await page.textContent(`section[data-experiment="${id}"] td[data-col="reason"]`),
        s.reason,
      );
      assert.equal(
        await page.evaluate(
          () => document.getElementById('stop') === (window as unknown as { stopButton: unknown }).stopButton,
        ),
        true,
        'the actions were not redrawn',
      );
      assert.equal(await page.evaluate(() => document.activeElement?.id), `run-${id}-challenger`);
      assert.equal(await page.inputValue('#admin-token'), TOKEN);
      assert.deepEqual(await axeViolations(page), []);

      // The Stop dialog, opened by keyboard, stays open while the numbers behind it refresh.
      await page.focus('#stop');
      await page.keyboard.press('Enter');
      await page.waitForSelector('dialog[open] #dialog-confirm');
      assert.equal(await replayTraffic(app, 200, 320), 120);
      const more = await abStatus();
      await challengerActualsShown(page, more.challenger.n);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'dialog-confirm');
      await page.keyboard.press('Enter');
    } finally {
      await app.close();
    }
    await page.waitForSelector(`section[data-status="stopped"][data-experiment="${id}"]`);
    assert.match((await page.textContent('#experiments-status')) ?? '', new RegExp(`Stopped ${id}`));
    await page.waitForSelector('#start-form');
    const x = await overview();
    assert.equal(x.running, null);
    assert.equal(x.ended[0].id, id);
    assert.equal(x.ended[0].arms[0].traffic.rows + x.ended[0].arms[1].traffic.rows, 320);
    const after = await tabflowInProcess(['ab', 'status', '--json', '--dir', root], root);
    assert.notEqual(after.code, 0);
    assert.match(after.stderr, /No experiment is running/);
  });

  it('draws an experiment started, then stopped, elsewhere by itself, and says so', async () => {
    // The page the test before left on the start form.
    const page = (browser as Browser).contexts()[0].pages()[0];
    const r = await fetch(ui.url.replace(/\/ui\/$/, '/api/experiments/start'), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-tabflow-ui': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ challenger: 2, weight: 0.2 }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    const { id } = (await r.json()) as { id: string };
    await page.waitForSelector(`section[data-status="running"][data-experiment="${id}"]`, REFRESH_WAIT);
    assert.equal(await page.textContent('#experiments-status'), `${id} was started elsewhere.`);
    assert.equal(await page.$('#start-form'), null, 'no start form while one runs');
    assert.equal(await page.inputValue('#admin-token'), TOKEN);
    // Stopped from the command line: the start form comes back.
    const stop = await tabflowInProcess(['ab', 'stop', '--dir', root], root);
    assert.equal(stop.code, 0, stop.stderr);
    await page.waitForSelector('#start-form', REFRESH_WAIT);
    assert.equal(await page.textContent('#experiments-status'), `${id} ended elsewhere.`);
  });
});
