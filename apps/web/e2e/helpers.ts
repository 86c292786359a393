import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** A JSON call to the API the app uses, as the signed-in owner of local mode; fails the test on an error status. */
export async function apiJson<T>(baseUrl: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

/**
 * Runs a project through its approvals until it reaches one of `until`: each round, the pending
 * approvals are decided by `decide` (null: approve) through the API the Approvals page uses.
 * For journeys about something else than deciding (approvals.e2e walks that page).
 */
export async function decideUntil(
  baseUrl: string,
  projectId: string,
  until: string[],
  decide: (stepName: string | null) => { decision: 'approve' } | { decision: 'reject'; notes: string } = () => ({
    decision: 'approve',
  }),
): Promise<string> {
  for (let round = 0; round < 30; round++) {
    const status = await settled(baseUrl, projectId, 60_000);
    if (until.includes(status)) return status;
    if (status === 'paused_on_error')
      throw new Error(`a step failed: ${JSON.stringify(await apiJson(baseUrl, `/api/projects/${projectId}/errors`))}`);
    expect(status).toBe('paused_for_approval');
    const { approvals } = await apiJson<{ approvals: Array<{ id: string; stepName: string | null }> }>(
      baseUrl,
      `/api/approvals?status=pending&projectId=${projectId}`,
    );
    const groups = new Map<string, { ids: string[]; body: object }>();
    for (const a of approvals) {
      const body = decide(a.stepName);
      const key = JSON.stringify(body);
      groups.set(key, { ids: [...(groups.get(key)?.ids ?? []), a.id], body });
    }
    for (const { ids, body } of groups.values())
      await apiJson(baseUrl, '/api/approvals/bulk-decision', {
        method: 'POST',
        body: JSON.stringify({ ids, ...body }),
      });
    if (approvals.length === 0) await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`project ${projectId} never reached ${until.join(' or ')}`);
}

/** A project's status as the API reports it (journeys read state over the API; every decision goes through the UI). */
export async function projectStatus(baseUrl: string, id: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/projects/${id}`);
  return ((await res.json()) as { status: string }).status;
}

/** The first status other than `running` (the run happens in a background job). */
export async function settled(baseUrl: string, id: string, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await projectStatus(baseUrl, id);
    if (status !== 'running') return status;
    if (Date.now() > until) throw new Error(`project ${id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Decisions go through the confirmation dialog: wait for it, add the notes if any, then confirm. */
export async function confirm(page: Page, notes?: string): Promise<void> {
  if (notes) await page.getByTestId('confirm-notes').fill(notes, { timeout: 10_000 });
  await page.getByTestId('confirm-accept').click({ timeout: 10_000 });
}

/** Some actions (skip) run without a dialog; confirm only if one opens. */
export async function confirmIfAsked(page: Page): Promise<void> {
  const accept = page.getByTestId('confirm-accept');
  const asked = await accept.waitFor({ state: 'visible', timeout: 1_500 }).then(
    () => true,
    () => false,
  );
  if (asked) await accept.click();
}

const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

/** How wide the page's content is: the document's, or the app's main area's when that scrolls. */
export function contentWidth(page: Page): Promise<number> {
  return page.evaluate(() =>
    Math.max(document.documentElement.scrollWidth, document.getElementById('main')?.scrollWidth ?? 0),
  );
}

/**
 * The page at desktop and phone width, scrolled to `focus`, for a person to look at. At neither
 * width may the page scroll sideways: on a phone, what is past the edge is out of reach.
 */
export async function screenshots(page: Page, name: string, focus: Locator): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await focus.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`) });
    expect(await contentWidth(page), `${name} at ${width} px`).toBeLessThanOrEqual(width);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}
