import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Types a message in the composer and sends it with Enter, as a person would. */
export async function send(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.waitFor();
  await expect.poll(() => input.isEnabled(), { timeout: 20_000 }).toBe(true);
  await input.fill(text);
  await input.press('Enter');
}

/** The newest assistant message, once there are at least `count` of them. */
export async function assistantMessage(page: Page, count: number): Promise<Locator> {
  const messages = page.locator('[data-testid="chat-message"][data-role="assistant"]');
  await expect.poll(() => messages.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  return messages.nth(count - 1);
}
