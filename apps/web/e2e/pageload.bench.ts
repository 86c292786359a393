/**
 * Page-load benchmark (`pnpm bench`): boots the real system (API + built web app + embedded
 * Postgres + offline model), seeds a little of everything through the UI and the API, then for
 * each view measures navigation start → the view's main content visible (a selector that only
 * appears once its data has loaded), 5 cold loads (a new browser context: empty cache) and 5
 * warm loads (the same context), and prints the median of each. A cold median of 1 s or more
 * is flagged. It prints figures; it is not a test with a time limit.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { seedShowcase, SEED_SYSTEM_ENV } from './seed.js';
import { startSystem } from './system.js';

const RUNS = 5;
const COLD_LIMIT_MS = 1000;
const VIEWPORT = { width: 1440, height: 900 };

/** How long from navigation start until `selector` is visible, in the page's own clock. */
async function loadTime(page: Page, url: string, selector: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page
    .waitForFunction(
      (sel) => {
        const el = document.querySelector(sel);
        return el && el.checkVisibility() ? performance.now() : null;
      },
      selector,
      { polling: 'raf', timeout: 30_000 },
    )
    .catch((cause: unknown) => {
      throw new Error(`${url}: ${selector} did not show (now at ${page.url()})`, { cause });
    });
  return (await handle.jsonValue()) as number;
}

/**
 * The API requests one load of `url` makes, counted by method and URL, until a second after its
 * content shows (what the live connection's first connect asks for included).
 */
async function apiRequests(page: Page, url: string, selector: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  page.on('request', (request) => {
    const { pathname, search } = new URL(request.url());
    if (!pathname.startsWith('/api/')) return;
    const key = `${request.method()} ${pathname}${search}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  });
  await loadTime(page, url, selector);
  await page.waitForTimeout(1000);
  return seen;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  const system = await startSystem(SEED_SYSTEM_ENV);
  const browser = await launchBrowser();
  const figures: Record<string, number> = {};
  try {
    const { context: owner, views } = await seedShowcase(system, browser);
    // Cold contexts carry the owner's session cookie and nothing else.
    const storageState = await owner.storageState();
    const rows: { view: string; cold: number; warm: number }[] = [];
    const duplicates: string[] = [];
    for (const view of views) {
      const url = `${system.url}${view.path}`;
      {
        const context = await browser.newContext({ viewport: VIEWPORT, storageState });
        const requests = await apiRequests(await context.newPage(), url, view.selector);
        await context.close();
        for (const [request, count] of requests) if (count > 1) duplicates.push(`${view.name}: ${request} ×${count}`);
      }
      const cold: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ viewport: VIEWPORT, storageState });
        const page = await context.newPage();
        cold.push(await loadTime(page, url, view.selector));
        await context.close();
      }
      const context = await browser.newContext({ viewport: VIEWPORT, storageState });
      const page = await context.newPage();
      await loadTime(page, url, view.selector); // fills the cache
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i++) warm.push(await loadTime(page, url, view.selector));
      await context.close();
      rows.push({ view: view.name, cold: median(cold), warm: median(warm) });
      console.error(
        `${view.name}: cold ${cold.map((t) => t.toFixed(0)).join(' ')} · warm ${warm.map((t) => t.toFixed(0)).join(' ')}`,
      );
    }
    await owner.close();

    console.log(`page load: navigation → main content visible, median of ${RUNS} (ms)`);
    console.log(`${'view'.padEnd(14)}${'cold'.padStart(8)}${'warm'.padStart(8)}`);
    for (const row of rows) {
      const flag = row.cold >= COLD_LIMIT_MS ? `  ⚠ cold ≥ ${COLD_LIMIT_MS} ms` : '';
      console.log(`${row.view.padEnd(14)}${row.cold.toFixed(0).padStart(8)}${row.warm.toFixed(0).padStart(8)}${flag}`);
      const key = row.view.replace(/\W+/g, '_').replace(/_$/, '');
      figures[`pageload_${key}_cold_ms`] = Math.round(row.cold);
      figures[`pageload_${key}_warm_ms`] = Math.round(row.warm);
    }
    console.log(
      duplicates.length
        ? `requests made more than once per load:\n  ${duplicates.join('\n  ')}`
        : 'no request made twice in a load',
    );
    figures['pageload_duplicate_requests'] = duplicates.length;
    const slow = rows.filter((r) => r.cold >= COLD_LIMIT_MS).map((r) => r.view);
    console.log(
      slow.length
        ? `cold loads of ${COLD_LIMIT_MS} ms or more: ${slow.join(', ')}`
        : `every cold median < ${COLD_LIMIT_MS} ms`,
    );
  } finally {
    await browser.close();
    await system.stop();
  }
  console.log(JSON.stringify({ bench: 'pageload', ...figures }));
}

await main();
