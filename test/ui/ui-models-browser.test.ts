/**
 * Promoting from the models page in a real browser: the token typed into the page (and nowhere
 * else), the gate's numbers shown in a dialog, the stage changed in the page and in
 * `tabflow models list`; the page passes axe-core with the dialog open and closed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type RunningUi, startUi } from '../../src/ui/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { axeViolations, browserMissing, launch, rendered } from './browser.js';
import { writableCopy } from './fixture.js';

const TOKEN = 'browser-admin-token-0123';
const skip = browserMissing();

describe('the models page in Chromium', { skip }, () => {
  let ui: RunningUi;
  let browser: Browser;
  let page: Page;
  let models: string;

  before(async () => {
    models = await writableCopy();
    ui = await startUi({ modelsDir: models, port: 0, adminToken: TOKEN });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await ui?.close();
  });

  it('promotes v2 to production after showing the gate, with the token kept out of the URL and storage', async () => {
    await page.goto(`${ui.url}#/models`);
    await rendered(page);
    assert.equal(await page.textContent('tr[data-stage="production"] td[data-col="version"]'), 'v1');
    assert.deepEqual(await axeViolations(page), []);
    await page.fill('#admin-token', TOKEN);
    await page.click('tr[data-version="2"] button[data-promote="production"]');
    await page.waitForSelector('dialog[open] #gate-decision');
    assert.match(
      (await page.textContent('dialog[open]')) ?? '',
      /candidate v2[\s\S]*production v1[\s\S]*rows\d+ used/,
    );
    assert.deepEqual(await axeViolations(page), [], 'with the dialog open');
    await page.click('#dialog-confirm');
    await page.waitForFunction(() =>
      /v2 is now in production/.test(document.getElementById('models-status')?.textContent ?? ''),
    );
    assert.equal(await page.textContent('tr[data-stage="production"] td[data-col="version"]'), 'v2');
    const list = await tabflowInProcess(['models', 'list', '--models-dir', models], models);
    assert.match(list.stdout, /v2.*production/);
    const leaks = await page.evaluate(
      (t) => [
        location.href.includes(t),
        JSON.stringify(localStorage).includes(t),
        JSON.stringify(sessionStorage).includes(t),
        document.cookie.includes(t),
      ],
      TOKEN,
    );
    assert.deepEqual(leaks, [false, false, false, false]);
  });

  it('refuses with a wrong token and says so', async () => {
    await page.goto(`${ui.url}#/models`);
    await rendered(page);
    await page.fill('#admin-token', 'not-the-token-at-all');
    await page.click('tr[data-version="3"] button[data-promote="production"]');
    await page.waitForSelector('#models-status [role=alert]');
    assert.match((await page.textContent('#models-status')) ?? '', /The admin token is wrong/);
  });
});
