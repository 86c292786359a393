/**
 * The command palette as a keyboard user meets it: Ctrl+K from anywhere, type part of an
 * agent's name, Enter, and the agent's page is open. Escape closes it and gives focus back.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { startSystem, type RunningSystem } from './system.js';

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startSystem();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('command palette', () => {
  it('should open with Ctrl+K, find an agent by name and go to it with Enter', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${system.url}/projects`);
    await page.getByTestId('palette-open').waitFor();

    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Go to or run' });
    await dialog.waitFor();
    const input = page.getByTestId('palette-input');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);

    await input.pressSequentially('blog post');
    const first = page.getByTestId('palette-option').first();
    await expect.poll(() => first.textContent(), { timeout: 10_000 }).toContain('Blog Post Writer');
    expect(await input.getAttribute('aria-activedescendant')).toBe(await first.getAttribute('id'));

    await page.keyboard.press('Enter');
    await page.waitForURL(/\/workforce\/blog_post_writer$/);
    await page.locator('[data-testid="agent-detail"][data-agent="blog_post_writer"]').waitFor({ timeout: 15_000 });
    expect(await dialog.count()).toBe(0);
    await context.close();
  });

  it('should move with the arrow keys, close on Escape and give focus back to the button', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${system.url}/workspace`);
    const button = page.getByTestId('palette-open');
    await button.click();
    const input = page.getByTestId('palette-input');
    await input.waitFor();
    const options = page.getByTestId('palette-option');
    await page.keyboard.press('ArrowDown');
    expect(await input.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('Escape');
    await page.getByTestId('command-palette').waitFor({ state: 'detached' });
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    await context.close();
  });
});
