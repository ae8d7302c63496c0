/**
 * The web UI in a real browser over a real models folder: sort and filter the runs, open one,
 * compare two, with the keyboard as well as the mouse; every page passes axe-core's WCAG 2 AA
 * checks and logs no script error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type RunningUi, startUi } from '../../src/ui/index.js';
import { axeViolations, browserMissing, launch, rendered } from './browser.js';
import { uiModels } from './fixture.js';

const skip = browserMissing();

describe('the web UI in Chromium', { skip }, () => {
  let ui: RunningUi;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    ui = await startUi({ modelsDir: await uiModels(), port: 0 });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().includes('/api/')) errors.push(`${r.status()} ${r.url()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await ui?.close();
  });

  const column = (col: string) =>
    page.$$eval(`tbody tr td[data-col="${col}"]`, (tds) =>
      tds.map((td) => Number.parseFloat(td.textContent ?? '')),
    );

  it('lists the runs and sorts them by TEST score when the header is clicked, then reversed', async () => {
    await page.goto(`${ui.url}#/runs`);
    await rendered(page);
    assert.equal(await page.locator('tbody tr').count(), 3);
    await page.click('button[data-sort="test"]');
    await page.waitForFunction(() => location.hash.includes('sort=test'));
    await rendered(page);
    const desc = await column('test');
    assert.deepEqual(
      desc,
      [...desc].sort((a, b) => b - a),
    );
    assert.equal(await page.getAttribute('th:has(button[data-sort="test"])', 'aria-sort'), 'descending');
    await page.click('button[data-sort="test"]');
    await page.waitForFunction(() => location.hash.includes('order=asc'));
    await rendered(page);
    assert.deepEqual(await column('test'), [...desc].reverse());
  });

  it('filters by tag from the form, and works from the keyboard', async () => {
    await page.goto(`${ui.url}#/runs`);
    await rendered(page);
    await page.focus('#f-tag');
    await page.keyboard.type('team=alpha');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('tag=team%3Dalpha'));
    await rendered(page);
    assert.equal(await page.locator('tbody tr').count(), 1);
    assert.match((await page.textContent('#runs-count')) ?? '', /^1 run match/);
    await page.focus('button[data-sort="rows"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('sort=rows'));
  });

  it('opens a run: leaderboard, three interactive charts, importances and checksums', async () => {
    await page.goto(`${ui.url}#/runs`);
    await rendered(page);
    const id = await page.getAttribute('tbody tr:first-child', 'data-run');
    await page.click('tbody tr:first-child td:nth-child(2) a');
    await page.waitForFunction((rid) => document.querySelector('h1')?.textContent === `Run ${rid}`, id);
    await page.waitForSelector('figure.chart canvas');
    assert.equal(await page.locator('figure.chart').count(), 3);
    assert.ok((await page.locator('table.leaderboard tbody tr').count()) >= 2);
    assert.equal(await page.locator('table.leaderboard tr.selected').count(), 1);
    assert.match((await page.textContent('main')) ?? '', /metadata\.json|model\.json/);
    assert.match((await page.textContent('main')) ?? '', /[0-9a-f]{64}/, 'a full sha256 is shown');
  });

  it('compares two ticked runs: differing config keys shown', async () => {
    await page.goto(`${ui.url}#/runs`);
    await rendered(page);
    const compare = page.locator('button', { hasText: 'Compare selected' });
    assert.equal(await compare.isDisabled(), true);
    await page.check('tbody tr:nth-child(1) input[type=checkbox]');
    await page.check('tbody tr:nth-child(2) input[type=checkbox]');
    assert.equal(await compare.isDisabled(), false);
    await compare.click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Compare 2 runs');
    await page.waitForSelector('figure.chart canvas');
    const keys = await page.$$eval('table.diff th.mono', (ths) => ths.map((t) => t.textContent));
    assert.ok(keys.includes('split.seed'), keys.join(', '));
  });

  it('tries a prediction: a form from the contract, the value, interval and one bar per input', async () => {
    await page.goto(`${ui.url}#/predict`);
    await rendered(page);
    const inputs = await page.locator('form.predict input, form.predict select').count();
    assert.equal(inputs, 8);
    await page.fill('#in-age', '90');
    await page.click('form.predict button[type=submit]');
    await page.waitForSelector('#predicted-value');
    const shown = Number.parseFloat((await page.textContent('#predicted-value')) ?? '');
    const api = await page.evaluate(async () => {
      const form = await (await fetch('/api/predict/form')).json();
      const record = Object.fromEntries(
        form.fields.map((f: { name: string; default: number }) => [f.name, f.default]),
      );
      record.age = 90;
      const r = await fetch('/api/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ record }),
      });
      return (await r.json()).prediction as number;
    });
    assert.ok(Math.abs(shown - api) < 1e-3 * Math.max(1, Math.abs(api)), `${shown} vs ${api}`);
    assert.match((await page.textContent('#prediction')) ?? '', /90\.0% interval: .* to /);
    assert.equal(await page.locator('table.attributions tbody tr').count(), 8);
  });

  it('passes axe-core on every page and logs no script error', async () => {
    await page.goto(`${ui.url}#/runs`);
    await rendered(page);
    const ids = await page.$$eval('tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-run')));
    for (const hash of [
      '#/runs',
      `#/run/${ids[0]}`,
      `#/compare?ids=${ids[0]},${ids[1]}`,
      '#/compare',
      '#/predict',
    ]) {
      await page.goto(`${ui.url}${hash}`);
      await rendered(page);
      assert.deepEqual(await axeViolations(page), [], hash);
    }
    assert.deepEqual(errors, []);
  });
});
