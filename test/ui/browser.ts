/**
 * Headless Chromium from Debian (`apt-get install chromium`; never a browser download) driven by
 * playwright-core, plus axe-core's accessibility check. Without the browser the e2e tests skip
 * with a reason, unless TABFLOW_REQUIRE_BROWSER=1 (set by .ci/run), where its absence fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or false when they can. */
export function browserMissing(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.TABFLOW_REQUIRE_BROWSER === '1') {
    throw new Error(`${CHROMIUM} is missing and TABFLOW_REQUIRE_BROWSER=1: apt-get install -y chromium`);
  }
  return `${CHROMIUM} is not installed (apt-get install -y chromium)`;
}

/** Launches headless Chromium with the flags that keep it off the network. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (WCAG 2 A and AA rules), as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            o: unknown,
          ) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join('; ')})`,
    );
  });
  return found;
}

/** Waits until the page has rendered (the router clears aria-busy on <main>). */
export async function rendered(page: Page): Promise<void> {
  await page.waitForSelector('main:not([aria-busy]) h1');
}
