/**
 * Every view at phone width (390 × 844) and at desktop width (1440 × 900), with data in it: the
 * page never scrolls sideways (what is past the edge of a phone is out of reach), and a
 * screenshot of each is saved for a person to look at (e2e/screenshots/width-*).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { screenshots } from './helpers.js';
import { seedShowcase, SEED_SYSTEM_ENV, type View } from './seed.js';
import { startSystem, type RunningSystem } from './system.js';

let system: RunningSystem;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let views: View[] = [];

beforeAll(async () => {
  system = await startSystem(SEED_SYSTEM_ENV);
  browser = await launchBrowser();
  ({ context: owner, views } = await seedShowcase(system, browser));
  page = await owner.newPage();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** How far the document scrolls sideways, at the current window width. */
const overflow = (p: Page) => p.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

async function checkAt(p: Page, name: string, selector: string): Promise<void> {
  const content = p.locator(selector).first();
  await content.waitFor({ timeout: 30_000 });
  for (const [width, height] of [
    [390, 844],
    [1440, 900],
  ] as const) {
    await p.setViewportSize({ width, height });
    await p.waitForTimeout(150); // a layout that follows the width (the org chart refits) settles
    expect(await overflow(p), `${name} at ${width} px scrolls sideways by`).toBeLessThanOrEqual(0);
  }
  // Both widths, to look at; it fails too if the app's main area is wider than the window.
  await screenshots(p, `width-${name}`, content);
}

describe('every view fits the window, phone or desktop', () => {
  // The seeded views are known once the system is up: one test per view, so each is reported.
  it('should have views to visit', () => {
    expect(views.map((v) => v.name)).toEqual(
      expect.arrayContaining([
        'chat',
        'projects',
        'approvals',
        'organization',
        'workforce',
        'budgets',
        'members',
        'tokens',
        'account',
      ]),
    );
  });

  for (const name of [
    'chat',
    'chat (new)',
    'projects',
    'project',
    'approvals',
    'organization',
    'workforce',
    'agent',
    'budgets',
    'members',
    'tokens',
    'account',
  ]) {
    it(`should not scroll sideways: ${name}`, async () => {
      const view = views.find((v) => v.name === name);
      expect(view, name).toBeDefined();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${system.url}${view!.path}`);
      await checkAt(page, name.replace(/\W+/g, '-').replace(/-$/, ''), view!.selector);
    });
  }

  it('should not scroll sideways: the command palette, open at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${system.url}/projects`);
    await page.getByTestId('palette-open').click();
    await page.getByTestId('command-palette').waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await screenshots(page, 'width-palette', page.getByTestId('command-palette'));
  });

  it('should not scroll sideways: the sign-in page', async () => {
    const signedOut = await browser.newContext();
    const p = await signedOut.newPage();
    await p.goto(`${system.url}/login`);
    await checkAt(p, 'login', '[data-testid="login"]');
    await signedOut.close();
  });
});
