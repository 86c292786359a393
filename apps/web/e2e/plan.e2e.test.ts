import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { assistantMessage, send } from './helpers.js';
import { startSystem, type RunningSystem } from './system.js';

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startSystem({ OFFLINE_STREAM_DELAY_MS: '0' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('journey 1: plan, refine and approve a project in the chat', () => {
  it('should show a plan card, apply two refinements as new versions and approve the last', async () => {
    const page = await browser.newPage();
    await page.goto(system.url);
    await send(page, 'Plan the launch of our product in Germany next quarter');

    const first = await assistantMessage(page, 1);
    const card = first.getByTestId('plan-card');
    await card.waitFor({ timeout: 20_000 });
    await expect.poll(() => card.getByTestId('plan-version').textContent()).toBe('v1');
    await expect.poll(() => card.getByTestId('plan-duration').textContent()).toMatch(/weeks/);
    await expect.poll(() => card.getByTestId('plan-step').count()).toBeGreaterThan(10);
    // The missing localisation capability becomes a build_agent step, and people are to be named.
    await expect.poll(() => card.textContent()).toMatch(/Build a localization agent/i);
    await expect.poll(() => card.textContent()).toMatch(/Person to assign/);

    await send(page, 'assign the press release review to Sarah');
    const second = (await assistantMessage(page, 2)).getByTestId('plan-card');
    await expect.poll(() => second.getByTestId('plan-version').textContent(), { timeout: 20_000 }).toBe('v2');
    await expect.poll(() => second.textContent()).toContain('Sarah');

    await send(page, 'drop the social media step');
    const third = (await assistantMessage(page, 3)).getByTestId('plan-card');
    await expect.poll(() => third.getByTestId('plan-version').textContent(), { timeout: 20_000 }).toBe('v3');
    await expect.poll(() => third.getByTestId('plan-diff').textContent()).toMatch(/Social media/i);
    // The first card is now superseded and cannot be approved.
    await expect.poll(() => card.getByTestId('plan-superseded').count()).toBe(1);

    await third.getByTestId('plan-approve').click();
    await expect.poll(() => third.getByTestId('plan-approved').textContent(), { timeout: 10_000 }).toMatch(/Approved/);

    // The approved project waits in the projects list.
    await page.getByRole('link', { name: 'Projects' }).click();
    await expect.poll(() => page.getByTestId('project-row').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('project-row').first().textContent()).toMatch(/Approved|waiting/i);
    await page.close();
  });

  it('should delegate an ROI calculation, show why and take a rating', async () => {
    const page = await browser.newPage();
    await page.goto(system.url);
    await send(page, 'Calculate the ROI of a 120k tool that saves 8k a month over 3 years');
    const reply = await assistantMessage(page, 1);
    const info = reply.getByTestId('delegation-info');
    await info.waitFor({ timeout: 20_000 });
    await expect.poll(() => info.getByTestId('delegation-agent').textContent()).toMatch(/ROI Calculator/);
    await expect.poll(() => reply.textContent()).toMatch(/140(\.0)?\s?%/);
    await expect.poll(() => reply.textContent()).toMatch(/15 months/);
    await info.locator('[data-testid="rating-star"][data-value="5"]').click();
    await expect.poll(() => info.textContent(), { timeout: 10_000 }).toMatch(/Saved: 5\/5/);
    await page.close();
  });
});
