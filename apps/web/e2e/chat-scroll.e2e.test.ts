import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { apiJson, assistantMessage, confirm, decideUntil, projectStatus, screenshots, send } from './helpers.js';
import { startSystem, type RunningSystem } from './system.js';

// Journey 1 as a person meets it: the newest reply in view, a page that never scrolls, a plan
// reply that is a short summary whose numbers match its card, Approve within reach, one
// offline notice per reply.

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

const SIZES = [
  [1440, 900],
  [390, 844],
] as const;

/**
 * The page never scrolls — neither the document nor the app's main area: everything that can be
 * long scrolls inside its own area. `scroll` is the taller of the two, `window` what shows.
 */
const pageHeight = (page: Page) =>
  page.evaluate(() => {
    const main = document.getElementById('main')!;
    return {
      scroll: Math.max(
        document.documentElement.scrollHeight,
        window.innerHeight + main.scrollHeight - main.clientHeight,
      ),
      window: window.innerHeight,
    };
  });

/** Where `target` sits relative to the chat log's visible area (top and bottom, in px). */
async function inLog(page: Page, target: Locator): Promise<{ top: number; bottom: number; height: number }> {
  const log = await page.getByTestId('chat-log').boundingBox();
  const box = await target.boundingBox();
  if (!log || !box) throw new Error('not laid out');
  return { top: box.y - log.y, bottom: log.y + log.height - (box.y + box.height), height: log.height };
}

/** The button is on screen and not covered: a person can press it without scrolling. */
async function reachable(page: Page, button: Locator): Promise<boolean> {
  const box = await button.boundingBox();
  if (!box) return false;
  const viewport = page.viewportSize()!;
  if (box.y < 0 || box.y + box.height > viewport.height || box.x < 0 || box.x + box.width > viewport.width)
    return false;
  return button.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && el.contains(hit);
  });
}

/** The conversation's project reports (agent builds post their progress there too). */
const projectReports = (page: Page) =>
  page
    .getByTestId('chat-message')
    .filter({ has: page.locator('[data-testid="message-intent"][data-intent="PROJECT_REPORT"]') });

/** How many work steps the project has (what the report counts). */
async function stepCount(id: string): Promise<number> {
  const { steps } = await apiJson<{ steps: Array<{ type: string }> }>(system.url, `/api/projects/${id}/steps`);
  return steps.filter((s) => s.type !== 'subproject').length;
}

describe('journey 1: the chat as a person reads it', () => {
  it('should keep the newest plan card in view, the page still, and the summary in step with the card', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(system.url);
    await send(page, 'Plan the launch of our product in Germany next quarter');
    const first = await assistantMessage(page, 1);
    const v1 = first.getByTestId('plan-card');
    await expect.poll(() => v1.getByTestId('plan-step').count(), { timeout: 20_000 }).toBeGreaterThan(10);

    // One short summary; the card holds the detail, and both count the same steps.
    const summary = (await first.locator('.chat-message__body').textContent()) ?? '';
    expect(summary).toMatch(/needs your approval/);
    expect(summary.length).toBeLessThan(400);
    expect(summary).not.toMatch(/new:|⚠|People to name|Capability gap|`|""/i);
    const cardSteps = await v1.getByTestId('plan-step-count').textContent();
    expect(summary).toContain(`${cardSteps} steps`);
    for (const warning of await v1.getByTestId('plan-warnings').locator('li').allTextContents())
      expect(summary).not.toContain(warning.trim().slice(0, 40));

    await send(page, 'drop the social media step');
    const second = await assistantMessage(page, 2);
    const v2 = second.getByTestId('plan-card');
    await expect.poll(() => v2.getByTestId('plan-version').textContent(), { timeout: 20_000 }).toBe('v2');
    await expect.poll(() => v2.getByTestId('plan-step').count(), { timeout: 10_000 }).toBeGreaterThan(10);
    await expect.poll(() => v1.getByTestId('plan-superseded').count()).toBe(1);
    // The new version is what the log shows (from its top), not the superseded v1 above it.
    // A reply taller than the log is shown from its top, just under the log's edge, with the
    // card's title and facts in view.
    await expect.poll(async () => (await inLog(page, second)).top, { timeout: 5_000 }).toBeGreaterThanOrEqual(0);
    expect((await inLog(page, second)).top).toBeLessThan(40);
    const title = await inLog(page, v2.locator('.plan-card__facts'));
    expect(title.top).toBeGreaterThan(0);
    expect(title.bottom).toBeGreaterThan(0);
    expect(await v2.getByTestId('plan-step-count').textContent()).toBe(String(Number(cardSteps) - 1));
    expect(await second.locator('.chat-message__body').textContent()).toContain(`${Number(cardSteps) - 1} steps`);

    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      const { scroll, window } = await pageHeight(page);
      expect(scroll, `page height at ${width}×${height}`).toBe(window);
      // Approve is within reach although the card is far taller than the window.
      expect((await v2.boundingBox())!.height).toBeGreaterThan(height);
      await expect.poll(() => reachable(page, v2.getByTestId('plan-approve')), { timeout: 5_000 }).toBe(true);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshots(page, 'chat-plan-refined', second);

    await v2.getByTestId('plan-approve').click();
    const link = v2.getByTestId('plan-project-link');
    await link.waitFor({ timeout: 10_000 });
    const projectId = await v2.getAttribute('data-project-id');
    expect(await link.getAttribute('href')).toBe(`/projects/${projectId}`);
    await link.click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/projects/${projectId}`);
    await page.close();
  });

  it('should report in the conversation when the project started from it is stopped', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(system.url);
    await send(page, 'Plan the launch of our product in Germany next quarter');
    const card = (await assistantMessage(page, 1)).getByTestId('plan-card');
    await card.getByTestId('plan-approve').click({ timeout: 20_000 });
    const conversation = page.url();
    const projectId = (await card.getAttribute('data-project-id'))!;
    await card.getByTestId('plan-project-link').click({ timeout: 10_000 });
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/projects/${projectId}`);

    await page.getByTestId('project-control-cancel').click({ timeout: 20_000 });
    await confirm(page, 'Launching later');
    await expect.poll(() => projectStatus(system.url, projectId), { timeout: 10_000 }).toBe('aborted');

    await page.goto(conversation);
    const reports = projectReports(page);
    await expect.poll(() => reports.count(), { timeout: 10_000 }).toBe(1);
    const report = reports.first();
    expect(await report.getByTestId('message-intent').textContent()).toBe('Project report');
    expect(await report.textContent()).toMatch(/Product launch in Germany\s*was stopped: \d+ of \d+ steps done/);
    expect(await report.textContent()).toContain('Why: Launching later');
    const open = report.getByRole('link', { name: 'Open the project' });
    expect(await open.getAttribute('href')).toBe(`/projects/${projectId}`);
    await screenshots(page, 'chat-project-report', report);
    // Stored, not only shown: it is there after a reload, once.
    await page.reload();
    await expect.poll(() => reports.count(), { timeout: 10_000 }).toBe(1);
    await reports.first().getByRole('link', { name: 'Open the project' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/projects/${projectId}`);
    await page.close();
  });

  it('should report outcome, linked outputs, duration and cost when the project completes', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(system.url);
    await send(page, 'Plan the onboarding of a new CRM vendor: a 120k tool that saves 8k a month over 3 years');
    const card = (await assistantMessage(page, 1)).getByTestId('plan-card');
    await card.getByTestId('plan-approve').click({ timeout: 20_000 });
    await card.getByTestId('plan-project-link').waitFor({ timeout: 10_000 });
    const conversation = page.url();
    const projectId = (await card.getAttribute('data-project-id'))!;
    // Running it is not what this journey is about: every step's approval goes through the API
    // the Approvals page uses (approvals.e2e walks that page).
    await decideUntil(system.url, projectId, ['completed']);

    await page.goto(conversation);
    const reports = projectReports(page);
    await expect.poll(() => reports.count(), { timeout: 10_000 }).toBe(1);
    const report = reports.first();
    const steps = await stepCount(projectId);
    expect(await report.textContent()).toMatch(
      new RegExp(
        `is complete: ${steps} of ${steps} steps done in (under a minute|\\d+ minutes?); no LLM calls, so no model cost\\.`,
      ),
    );
    const outputs = report.locator('ul a');
    expect(await outputs.count()).toBeGreaterThan(0);
    await screenshots(page, 'chat-project-completed', report);
    // An output opens its step's result in the project view.
    const first = (await outputs.first().textContent())!.trim();
    await outputs.first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/projects/${projectId}`);
    const drawer = page.getByTestId('step-detail');
    await drawer.waitFor({ timeout: 10_000 });
    expect(await drawer.textContent()).toContain(first);
    await page.close();
  });

  it('should ask which review is meant, listing them, instead of picking one', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(system.url);
    await send(page, 'Plan the launch of our product in Germany next quarter');
    await (await assistantMessage(page, 1)).getByTestId('plan-card').waitFor({ timeout: 20_000 });
    await send(page, 'assign the review to Sarah');
    const question = await assistantMessage(page, 2);
    await expect.poll(() => question.textContent(), { timeout: 20_000 }).toMatch(/Which one do you mean\?/);
    const listed = await question.locator('.chat-message__body li').allTextContents();
    expect(listed).toEqual(expect.arrayContaining(['Press release', 'Launch blog post', 'Pricing and margin model']));
    expect(listed.length).toBeGreaterThan(4);
    // Nothing changed: no new version was made.
    expect(await question.getByTestId('plan-card').count()).toBe(0);
    await screenshots(page, 'chat-ambiguous-review', question);
    await page.close();
  });

  it('should say once that an offline draft is offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(system.url);
    await send(page, 'Write a blog post announcing our new analytics dashboard for customers');
    const reply = await assistantMessage(page, 1);
    await reply.getByTestId('delegation-info').waitFor({ timeout: 20_000 });
    await expect.poll(() => reply.getAttribute('data-state'), { timeout: 20_000 }).toBe('stored');
    expect(await reply.getByTestId('offline-draft-banner').count()).toBe(1);
    expect(await reply.getByTestId('offline-draft-banner').textContent()).toMatch(/Offline draft/);
    expect(await reply.getByTestId('offline-badge').count()).toBe(0);
    expect(await reply.locator('.chat-message__body').textContent()).not.toMatch(/offline/i);
    // Its visually hidden "Answered by" stays inside the log: the page itself does not grow.
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      const { scroll, window } = await pageHeight(page);
      expect(scroll, `page height at ${width}×${height}`).toBe(window);
    }
    await page.close();
  });

  it('should leave a person reading further up where they are and offer the new messages', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(system.url);
    await send(page, 'Plan the launch of our product in Germany next quarter');
    await (await assistantMessage(page, 1)).getByTestId('plan-card').waitFor({ timeout: 20_000 });
    await send(page, 'Who reports to the CFO?');
    const answer = await assistantMessage(page, 2);
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 20_000 }).toBe('stored');

    const log = page.getByTestId('chat-log');
    await log.hover();
    await page.mouse.wheel(0, -100_000);
    await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBe(0);
    // The same person asks in another tab: this tab gets the question and its answer meanwhile.
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await other.goto(page.url());
    await send(other, 'Which agents are in marketing?');
    await expect.poll(() => page.getByTestId('chat-jump').count(), { timeout: 20_000 }).toBe(1);
    await other.close();
    expect(await log.evaluate((el) => el.scrollTop)).toBe(0);

    await page.getByTestId('chat-jump').click();
    const newest = await assistantMessage(page, 3);
    await expect.poll(async () => (await inLog(page, newest)).bottom, { timeout: 5_000 }).toBeGreaterThanOrEqual(0);
    expect(await page.getByTestId('chat-jump').count()).toBe(0);
    await page.close();
  });
});
