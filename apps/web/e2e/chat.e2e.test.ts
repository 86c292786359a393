import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { startSystem, type RunningSystem } from './system.js';

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  // A visible delay between offline chunks, so streaming can be observed in the page.
  system = await startSystem({ OFFLINE_STREAM_DELAY_MS: '30' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** Records every distinct text the latest assistant message shows while it streams. */
async function watchAssistantText(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __seen: string[] }).__seen = seen;
    new MutationObserver(() => {
      const nodes = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      const text = nodes[nodes.length - 1]?.textContent ?? '';
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

describe('journey 1: chat with the CEO orchestrator', () => {
  it('should stream the answer to "Who reports to the CFO?" and keep it after a reload', async () => {
    const page = await browser.newPage();
    await page.goto(system.url);
    const input = page.getByTestId('composer-input');
    await input.waitFor();
    await watchAssistantText(page);
    await input.fill('Who reports to the CFO?');
    await input.press('Enter');

    const answer = page.locator('[data-testid="chat-message"][data-role="assistant"]').last();
    await expect.poll(async () => answer.textContent(), { timeout: 20_000 }).toContain('Finance Manager');
    await expect
      .poll(async () => (await answer.textContent())?.includes('ROI Calculator'), { timeout: 20_000 })
      .toBe(true);
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    // Streamed: the page showed several growing partial texts before the final one.
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[0]!.length).toBeLessThan(seen[seen.length - 1]!.length);
    await expect.poll(() => page.locator('[data-testid="chat-message"][data-role="user"]').count()).toBe(1);

    // The conversation is in the URL and survives a reload (it is stored, not just shown).
    await expect.poll(() => page.url()).toMatch(/\/workspace\/[0-9a-f-]{36}$/);
    await page.reload();
    await expect
      .poll(async () => page.locator('[data-testid="chat-message"][data-role="assistant"]').last().textContent(), {
        timeout: 10_000,
      })
      .toContain('Finance Manager');
    await page.close();
  });

  it('should show the organisation from the registry as a chart to navigate by keyboard, and as a list', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${system.url}/organization`);
    const chartCard = (name: string) => page.locator(`[data-testid="org-chart-node"][data-agent="${name}"]`);
    await expect.poll(() => chartCard('ceo_orchestrator').count(), { timeout: 10_000 }).toBe(1);

    // Arrow keys walk the hierarchy; Enter opens the details; Escape returns to the card.
    await chartCard('ceo_orchestrator').focus();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-agent')))
      .toBe('cfo_orchestrator');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-agent')))
      .toBe('finance_manager_orchestrator');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('agent-panel').getAttribute('data-agent'))
      .toBe('finance_manager_orchestrator');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-agent')))
      .toBe('finance_manager_orchestrator');

    // Delegating from the chart prefills a new conversation addressed to the agent.
    await chartCard('finance_manager_orchestrator').click();
    await page.getByTestId('delegate-task').fill('Prepare the Q3 budget review');
    await page.getByTestId('delegate-submit').click();
    await expect
      .poll(() => page.getByTestId('composer-input').inputValue(), { timeout: 10_000 })
      .toBe('Ask the Finance Manager to prepare the Q3 budget review');

    // The accessible alternative lists every agent.
    await page.goto(`${system.url}/organization`);
    await page.getByTestId('org-view-list').click();
    await expect.poll(() => page.getByTestId('org-node').count(), { timeout: 10_000 }).toBe(34);
    await expect
      .poll(() => page.locator('[data-testid="org-node"][data-agent="finance_manager_orchestrator"]').count())
      .toBe(1);
    await page.close();
  });
});
