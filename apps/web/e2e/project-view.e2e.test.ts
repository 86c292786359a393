import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { assistantMessage, contentWidth, decideUntil, screenshots, send } from './helpers.js';
import { startSystem, type RunningSystem } from './system.js';

// A vendor onboarding (12 steps in five stages) whose business case has figures the ROI
// Calculator can compute: its result is a Markdown table.
const VENDOR = 'Plan the onboarding of a new CRM vendor: a 120k tool that saves 8k a month over 3 years';
/** The step a person rejects, so that it fails and the project pauses on it. */
const REJECTED = 'Security and technical risk review';

const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startSystem({ OFFLINE_STREAM_DELAY_MS: '0', STEP_BACKOFF_BASE_MS: '1' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/**
 * Runs the project until one step has failed: every approval is granted except the one for
 * REJECTED, which fails. Deciding is not what this journey is about (approvals.e2e walks the
 * Approvals page), so the decisions go through the API the Approvals page uses.
 */
async function runUntilAStepFails(id: string): Promise<void> {
  await decideUntil(system.url, id, ['paused_on_error'], (stepName) =>
    stepName === REJECTED ? { decision: 'reject', notes: 'Not this vendor' } : { decision: 'approve' },
  );
}

/**
 * The plan card's graph at phone width: drawn top to bottom, whole names, no sideways scrolling.
 * (The rest of the chat at 390 px is the chat journey's to check.)
 */
async function checkPlanGraph(page: Page, card: Locator): Promise<void> {
  await card.getByTestId('plan-graph-toggle').click();
  const dags = card.getByTestId('plan-dag');
  await dags.first().waitFor();
  // One graph per group (the subprojects, then each subproject's steps).
  const engineering = dags.filter({ has: page.locator('title', { hasText: REJECTED }) });
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    // The toggle's label is one line, never broken inside a word ("grap h"), and fits the screen.
    const toggle = card.getByTestId('plan-graph-toggle');
    const labelLines = await toggle.locator('.p-button-label').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(labelLines).toBe(1);
    expect(await toggle.textContent()).toContain('Hide graph');
    const toggleBox = await box(toggle);
    expect(toggleBox.x + toggleBox.width).toBeLessThanOrEqual(width);
    for (const dag of await dags.all()) {
      await expect.poll(() => dag.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
      const svg = await box(dag.locator('svg'));
      expect(svg.x + svg.width).toBeLessThanOrEqual(width);
    }
    // Each card's lines, read as one name.
    const names = await engineering
      .locator('.plan-dag__node text')
      .evaluateAll((texts) => texts.map((t) => [...t.querySelectorAll('tspan')].map((l) => l.textContent).join(' ')));
    expect(names).toContain(REJECTED);
    await dags.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, `project-view-plan-dag-${width}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await card.getByTestId('plan-graph-toggle').click();
}

async function approvePlan(page: Page): Promise<string> {
  await page.goto(system.url);
  await send(page, VENDOR);
  const card = (await assistantMessage(page, 1)).getByTestId('plan-card');
  await card.waitFor({ timeout: 20_000 });
  await checkPlanGraph(page, card);
  await card.getByTestId('plan-approve').click();
  await card.getByTestId('plan-approved').waitFor({ timeout: 10_000 });
  return (await card.getAttribute('data-project-id'))!;
}

type Box = { x: number; y: number; width: number; height: number };
const box = async (locator: Locator): Promise<Box> => (await locator.boundingBox())!;
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 1 &&
  inner.y >= outer.y - 1 &&
  inner.x + inner.width <= outer.x + outer.width + 1 &&
  inner.y + inner.height <= outer.y + outer.height + 1;

/** The graph's zoom, from the scale of Vue Flow's transformation pane. */
const zoomOf = (graph: Locator) =>
  graph
    .locator('.vue-flow__transformationpane')
    .evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);

describe('journey 2: the run of a project, as a person reads it', () => {
  it('should fit the step graph with the failed step in view, render results and tell the story of the run', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const id = await approvePlan(page);
    await runUntilAStepFails(id);

    await page.goto(`${system.url}/projects/${id}`);
    const graph = page.getByTestId('step-graph').first();
    const pane = graph.locator('.step-graph__pane');
    const failed = graph.locator('[data-testid="step-node"][data-status="failed"]');
    await failed.waitFor({ timeout: 20_000 });
    await expect.poll(() => failed.textContent()).toContain(REJECTED);

    // The graph fits its panel: no sideways scrolling, the failed step in view, text readable.
    const panel = await box(page.getByTestId('project-detail'));
    expect((await box(pane)).width).toBeLessThanOrEqual(panel.width);
    expect(await graph.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
    await expect.poll(async () => inside(await box(failed), await box(pane))).toBe(true);
    expect((await zoomOf(graph)) * 13).toBeGreaterThanOrEqual(12);
    // Whole names, wrapped, never cut at 20 characters.
    expect(await failed.locator('.step-node__name').textContent()).toBe(REJECTED);
    // A legend names the colours.
    const legend = graph.getByTestId('step-legend');
    await expect.poll(() => legend.textContent()).toMatch(/Completed/);
    expect(await legend.textContent()).toMatch(/Failed/);
    await screenshots(page, 'project-view-graph', graph);

    // Zoom buttons change the scale.
    const zoom = await zoomOf(graph);
    await graph.getByTestId('step-zoom-out').click();
    await expect.poll(() => zoomOf(graph)).toBeCloseTo(zoom * 0.8, 2);
    await graph.getByTestId('step-zoom-in').click();
    await expect.poll(() => zoomOf(graph)).toBeCloseTo(zoom, 2);
    // Show all fits every step; "Show the failed step" goes back to it.
    await graph.getByTestId('step-graph-show-all').click();
    const nodes = graph.getByTestId('step-node');
    await expect
      .poll(async () => {
        const outer = await box(pane);
        const all = await Promise.all((await nodes.all()).map(box));
        return all.every((b) => inside(b, outer));
      })
      .toBe(true);
    await graph.getByTestId('step-graph-attention').click();
    await expect.poll(async () => inside(await box(failed), await box(pane))).toBe(true);

    // Keyboard: from the failed step, Left goes to a step it waits for (drawn left of it); Enter opens it.
    await failed.focus();
    await page.keyboard.press('ArrowLeft');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-step-key') ?? null);
    await expect.poll(focused).not.toBe(await failed.getAttribute('data-step-key'));
    const before = (await focused())!;
    const beforeNode = graph.locator(`[data-testid="step-node"][data-step-key="${before}"]`);
    expect((await box(beforeNode)).x).toBeLessThan((await box(failed)).x);
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('step')).toBe(before);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('step-detail').count()).toBe(0);

    // The ROI Calculator's result: a Markdown table, rendered; the raw text one click away.
    // Focus brings a step that is out of view into it (as Tab does), then it opens with a click.
    const businessCase = graph.locator('[data-testid="step-node"][data-step-key$="business_case"]');
    await businessCase.focus();
    await expect.poll(async () => inside(await box(businessCase), await box(pane))).toBe(true);
    await businessCase.click();
    const drawer = page.getByTestId('step-detail');
    await drawer.waitFor();
    await expect.poll(async () => (await box(drawer)).width).toBeGreaterThanOrEqual(600);
    await drawer.getByTestId('step-result-full').click();
    const viewer = drawer.getByTestId('step-result-viewer');
    await expect.poll(() => viewer.locator('table').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await viewer.locator('table').first().locator('th').allTextContents()).toEqual(['Metric', 'Value']);
    await screenshots(page, 'project-view-result', viewer);
    await viewer.getByTestId('step-result-raw-toggle').click();
    await expect.poll(() => viewer.locator('pre').textContent()).toContain('| Metric | Value |');
    expect(await viewer.locator('table').count()).toBe(0);
    // On a phone the drawer takes the whole width.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => Math.round((await box(drawer)).width)).toBe(390);
    expect(await contentWidth(page)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);

    // The checkpoints read as what happened, in plain words.
    const timeline = page.getByTestId('project-checkpoints');
    const more = timeline.getByRole('button', { name: /Show all/ });
    if ((await more.count()) > 0) await more.click();
    const events = timeline.getByTestId('checkpoint-events');
    await expect
      .poll(() => events.allTextContents())
      .toContainEqual(expect.stringContaining('Plan approved — run started'));
    const told = (await events.allTextContents()).join('\n');
    expect(told).toMatch(/“Business case and ROI” completed by ROI Calculator/);
    expect(told).toMatch(/Paused for approval of “/);
    expect(told).toContain(`Waiting for a decision on the failed step “${REJECTED}”`);
    expect(await timeline.textContent()).not.toMatch(/#-?\d+ ·|run_step|__start__/);
    await screenshots(page, 'project-view-timeline', timeline);
    await page.close();
  });
});
