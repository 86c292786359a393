/**
 * Keeping the conversation list in order (issue #12): a question asked twice gives two titles a
 * person can tell apart; a conversation is renamed in place, found by what was said in it, and
 * deleted after a confirmation. On a phone the navigation is one Menu button.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { screenshots } from './helpers.js';
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

/** A conversation started over the API (the chat itself has its own journey), with its first question answered. */
async function conversationAbout(question: string): Promise<string> {
  const post = (path: string, body: unknown) =>
    fetch(`${system.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((res) => res.json() as Promise<{ id: string }>);
  const { id } = await post('/api/conversations', {});
  await post(`/api/conversations/${id}/messages`, { content: question });
  return id;
}

const titles = (page: Page) =>
  page.getByTestId('conversation-item').locator('.conversation-list__name').allTextContents();
const row = (page: Page, title: string) =>
  page.locator('.conversation-item', { has: page.getByText(title, { exact: true }) });
const focused = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? '');

describe('conversations: titles, rename, search, delete', () => {
  it('should tell repeated questions apart, rename in place, find by content and delete after confirming', async () => {
    await conversationAbout('Who reports to the CFO?');
    await conversationAbout('Which agents are in marketing?');
    await conversationAbout('Who reports to the CFO?');
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(system.url);
    await expect
      .poll(() => titles(page), { timeout: 15_000 })
      .toEqual(['Who reports to the CFO? (2)', 'Which agents are in marketing?', 'Who reports to the CFO?']);

    // Rename: the row becomes a field; Enter saves, and focus is back on the row's Rename.
    await row(page, 'Which agents are in marketing?').hover();
    await row(page, 'Which agents are in marketing?').getByTestId('conversation-rename').click();
    const field = page.getByTestId('conversation-title-input');
    expect(await field.inputValue()).toBe('Which agents are in marketing?');
    await field.fill('Marketing team');
    await screenshots(page, 'conversations-rename', field);
    await field.press('Enter');
    await expect.poll(() => titles(page)).toContain('Marketing team');
    expect(await focused(page)).toBe('conversation-rename');
    // Escape leaves a title as it was.
    await row(page, 'Marketing team').getByTestId('conversation-rename').click();
    await page.getByTestId('conversation-title-input').fill('Not this');
    await page.getByTestId('conversation-title-input').press('Escape');
    await expect.poll(() => titles(page)).toContain('Marketing team');

    // Search finds a conversation by what was said in it, not only by its title.
    const search = page.getByTestId('conversation-search');
    await search.fill('AGENTS ARE IN');
    await expect.poll(() => titles(page), { timeout: 10_000 }).toEqual(['Marketing team']);
    expect(await page.getByTestId('conversation-search-status').textContent()).toBe('1 conversation found.');
    await screenshots(page, 'conversations-search', page.getByTestId('conversation-search'));
    await search.fill('zeppelin');
    await expect.poll(() => page.locator('.conversation-list__empty').textContent()).toContain('zeppelin');
    await search.press('Escape');
    await expect.poll(() => titles(page)).toHaveLength(3);

    // Delete asks first; Cancel keeps it.
    const doomed = row(page, 'Who reports to the CFO? (2)');
    await doomed.hover();
    await doomed.getByTestId('conversation-delete').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('“Who reports to the CFO? (2)” and all its messages will be deleted');
    await screenshots(page, 'conversations-delete', dialog);
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await titles(page)).toHaveLength(3);
    await doomed.hover();
    await doomed.getByTestId('conversation-delete').click();
    await page.getByTestId('confirm-accept').click();
    await expect.poll(() => titles(page)).toEqual(['Marketing team', 'Who reports to the CFO?']);
    // Focus goes to the conversation that took its place.
    expect(await focused(page)).toBe('conversation-item');
    await page.reload();
    await expect.poll(() => titles(page), { timeout: 15_000 }).toEqual(['Marketing team', 'Who reports to the CFO?']);
    await page.close();
  });
});

describe('navigation at phone width', () => {
  it('should fold the links into a Menu button that opens, closes on Escape and on navigation', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(system.url);
    const toggle = page.getByTestId('nav-menu-toggle');
    await toggle.waitFor();
    // One row of header, not the links wrapped over several.
    const header = (await page.locator('.app-header').boundingBox())!;
    expect(header.height).toBeLessThan(70);
    expect(await page.getByRole('link', { name: 'Projects' }).isVisible()).toBe(false);
    expect(await page.getByTestId('workspace-toggle').isVisible()).toBe(true);
    expect(await page.getByTestId('user-menu-toggle').isVisible()).toBe(true);

    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const menu = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    expect(await menu.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Workspace');
    await page.screenshot({ path: new URL('./screenshots/phone-menu-open-390.png', import.meta.url).pathname });
    await page.keyboard.press('Escape');
    expect(await menu.isVisible()).toBe(false);
    expect(await focused(page)).toBe('nav-menu-toggle');

    await toggle.click();
    await page.getByRole('link', { name: 'Projects' }).click();
    await expect.poll(() => page.url()).toMatch(/\/projects$/);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await screenshots(page, 'phone-menu-closed', page.locator('.app-header'));
    await page.close();
  });
});
