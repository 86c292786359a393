/**
 * Journey 3 as a person meets it: the agent table sorts and filters and reads in words, version
 * diffs show side by side, the organisation chart reads at the zoom it opens at, and a budget is
 * set on an agent picked from a list — at desktop and at phone width, nothing scrolling sideways.
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

async function desktopPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  return page;
}

const rowNames = (page: Page) =>
  page.locator('[data-testid="workforce-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-agent')));
const rowTitles = (page: Page) => page.getByTestId('workforce-open').allTextContents();
const trimmed = (list: string[]) => list.map((t) => t.trim());
const sortedCopy = (list: string[], direction: 1 | -1) => [...list].sort((a, b) => direction * a.localeCompare(b));

/** Picks the option read as `label` from a PrimeVue Select, typing into its filter when it has one. */
async function pick(page: Page, testid: string, label: string, typed?: string): Promise<void> {
  await page.getByTestId(testid).click();
  if (typed !== undefined) await page.keyboard.type(typed);
  await page.getByRole('option', { name: label, exact: true }).click();
}

describe('journey 3: the agent table', () => {
  it('should sort by its columns, filter by department and text, and read departments in words', async () => {
    const page = await desktopPage();
    await page.goto(`${system.url}/workforce`);
    await page.getByTestId('workforce-row').first().waitFor({ timeout: 30_000 });

    await page.getByTestId('workforce-sort-name').click();
    const ascending = trimmed(await rowTitles(page));
    expect(ascending.length).toBeGreaterThan(20);
    expect(ascending).toEqual(sortedCopy(ascending, 1));
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Agent');
    await page.getByTestId('workforce-sort-name').click();
    expect(trimmed(await rowTitles(page))).toEqual(sortedCopy(ascending, -1));

    // Departments read as words, never as keys.
    const departments = trimmed(await page.getByTestId('workforce-department').allTextContents());
    expect(departments).toContain('HR');
    expect(departments).toContain('Finance');
    expect(departments.some((d) => d.includes('_'))).toBe(false);
    // The agent's name is a link that looks like one.
    const link = page.getByTestId('workforce-open').first();
    expect(await link.evaluate((a) => getComputedStyle(a).textDecorationLine)).toContain('underline');

    await pick(page, 'workforce-filter-department', 'Finance');
    await expect
      .poll(() =>
        page
          .locator('[data-testid="workforce-row"]')
          .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-department')))]),
      )
      .toEqual(['finance']);
    await page.getByTestId('workforce-search').fill('roi');
    await expect.poll(() => rowNames(page)).toEqual(['roi_calculator']);
    await page.getByTestId('workforce-search').fill('');

    await screenshots(page, 'workforce-agent-table', page.getByTestId('workforce-table'));
    // On a phone the rows are cards: no table scrolling sideways inside its box either.
    await page.setViewportSize({ width: 390, height: 844 });
    const table = page.getByTestId('workforce-table');
    expect(
      await table
        .locator('tbody tr')
        .first()
        .evaluate((tr) => getComputedStyle(tr).display),
    ).toBe('flex');
    expect(
      await table.evaluate((t) => {
        const box = t.parentElement!;
        return box.scrollWidth - box.clientWidth;
      }),
    ).toBeLessThanOrEqual(0);
    await pick(page, 'workforce-sort', 'Tasks, highest first');
    expect(await page.locator('th[aria-sort="descending"]').count()).toBe(1);
    await page.close();
  });
});

describe('journey 3: version diffs', () => {
  it('should show a new version against the one before in two read-only CodeMirror panes, and one pane on a phone', async () => {
    const agentUrl = `${system.url}/api/agents/blog_post_writer`;
    const current = (await (await fetch(agentUrl)).json()) as { version: number; contextMd: string };
    const saved = await fetch(`${agentUrl}/context`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contextMd: `${current.contextMd.trimEnd()}\n\nEnd every post with a one line summary.\n`,
        baseVersion: current.version,
        message: 'Add a summary rule',
      }),
    });
    expect(saved.status).toBe(200);

    const page = await desktopPage();
    await page.goto(`${system.url}/workforce/blog_post_writer?tab=versions`);
    const diff = page.getByTestId('agent-diff').first();
    await diff.locator('.cm-editor').first().waitFor({ timeout: 30_000 });
    expect(await diff.getAttribute('data-layout')).toBe('split');
    const panes = diff.locator('.cm-mergeView .cm-editor');
    expect(await panes.count()).toBe(2);
    expect(await diff.locator('.cm-merge-b .cm-changedLine').allTextContents()).toContain(
      'End every post with a one line summary.',
    );
    expect(await diff.locator('.cm-merge-a .cm-content').textContent()).not.toContain('one line summary');
    for (const side of ['a', 'b'])
      expect(await diff.locator(`.cm-merge-${side} .cm-content`).getAttribute('contenteditable')).toBe('false');
    await screenshots(page, 'workforce-version-diff', diff);

    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => diff.getAttribute('data-layout')).toBe('unified');
    expect(await diff.locator('.cm-mergeView').count()).toBe(0);
    expect(await diff.locator('.cm-editor').count()).toBe(1);
    expect(await diff.locator('.cm-content > .cm-changedLine').allTextContents()).toContain(
      'End every post with a one line summary.',
    );
    await page.close();
  });
});

describe('journey 3: the organisation chart', () => {
  /** The smallest text on the chart's cards as it renders: computed font size × the chart's zoom. */
  const smallestRenderedText = (page: Page) =>
    page.evaluate(() => {
      const pane = document.querySelector('.vue-flow__transformationpane')!;
      const zoom = new DOMMatrix(getComputedStyle(pane).transform).a;
      let smallest = Infinity;
      const cards = document.querySelectorAll('[data-testid="org-chart-node"], [data-testid="org-chart-group"]');
      for (const card of cards)
        for (const el of [card, ...card.querySelectorAll('*')]) {
          const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
          if (hasText) smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize) * zoom);
        }
      return { smallest, zoom, cards: cards.length };
    });

  it('should open with every card readable (text at 12 px or more) and the whole company in view', async () => {
    const page = await desktopPage();
    await page.goto(`${system.url}/organization`);
    await page.getByTestId('org-chart-node').first().waitFor({ timeout: 30_000 });
    // The view settles after the pane is measured.
    let last = -1;
    await expect
      .poll(async () => {
        const { zoom } = await smallestRenderedText(page);
        const settled = zoom === last;
        last = zoom;
        return settled;
      })
      .toBe(true);
    const { smallest, cards } = await smallestRenderedText(page);
    expect(cards).toBeGreaterThan(10);
    expect(smallest).toBeGreaterThanOrEqual(12);
    // Fitted: every card of the company lies inside the chart.
    const outside = await page.evaluate(() => {
      const chart = document.querySelector('[data-testid="org-chart"]')!.getBoundingClientRect();
      return [...document.querySelectorAll('.vue-flow__node')].filter((n) => {
        const r = n.getBoundingClientRect();
        return (
          r.left < chart.left - 1 || r.right > chart.right + 1 || r.top < chart.top - 1 || r.bottom > chart.bottom + 1
        );
      }).length;
    });
    expect(outside).toBe(0);
    await screenshots(page, 'organization-chart', page.getByTestId('org-chart'));

    // A folded column opens on press, showing its specialists.
    const finance = page.locator('[data-testid="org-chart-group"][data-manager="finance_manager_orchestrator"]');
    expect(await finance.textContent()).toMatch(/\d+ specialists/);
    await finance.click();
    await page.locator('[data-testid="org-chart-node"][data-agent="budget_planner"]').waitFor();
    expect(await finance.count()).toBe(0);
    expect((await smallestRenderedText(page)).smallest).toBeGreaterThanOrEqual(12);

    // Found by its title, then opened: the details drawer is wide enough to read and write in, and
    // the task reads as a sentence.
    await page.getByTestId('org-search').fill('ROI Calculator');
    await page.getByTestId('org-search').press('Enter');
    const roi = page.locator('[data-testid="org-chart-node"][data-agent="roi_calculator"]');
    await expect.poll(() => roi.evaluate((card) => card === document.activeElement)).toBe(true);
    await roi.press('Enter');
    const panel = page.getByTestId('agent-panel');
    await panel.waitFor();
    expect((await panel.boundingBox())!.width).toBeGreaterThanOrEqual(500);
    await page.getByTestId('delegate-task').fill('Can you please work out the ROI of a new CRM?');
    expect(await page.getByTestId('delegate-preview').textContent()).toContain(
      '“Ask the ROI Calculator to work out the ROI of a new CRM”',
    );
    await screenshots(page, 'organization-agent-panel', panel);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => (await panel.boundingBox())!.width).toBe(390);
    await page.close();
  });

  it('should open at a readable zoom on a phone too, with no sideways scrolling', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${system.url}/organization`);
    await page.getByTestId('org-chart-node').first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await smallestRenderedText(page)).smallest).toBeGreaterThanOrEqual(12);
    await page.close();
  });
});

describe('journey 3: budgets', () => {
  it('should set a budget on an agent picked from the list, saying in words what is missing first', async () => {
    const page = await desktopPage();
    await page.goto(`${system.url}/budgets`);
    await page.getByTestId('budget-new').click();
    await page.getByTestId('budget-save').click();
    expect(await page.getByTestId('budget-error-scopeRef').textContent()).toBe('Choose an agent.');
    expect(await page.getByTestId('budget-form-error').textContent()).toContain('Set at least one limit');

    // Typing the title as a person knows it finds the agent; its name is what is sent.
    await pick(page, 'budget-ref', 'Blog Post Writer', 'Blog Post Writer');
    await page.getByTestId('budget-tokenHardLimit').fill('12.5');
    await page.getByTestId('budget-save').click();
    expect(await page.getByTestId('budget-error-tokenHardLimit').textContent()).toBe('Enter a whole number of tokens.');
    await page.getByTestId('budget-tokenHardLimit').fill('50,000');
    await screenshots(page, 'budgets-dialog', page.getByTestId('budget-dialog'));
    await page.getByTestId('budget-save').click();
    await page.getByTestId('budget-dialog').waitFor({ state: 'detached' });

    const row = page.getByTestId('budget-row').first();
    expect(await row.getByTestId('budget-ref-label').textContent()).toBe('Blog Post Writer');
    expect(await page.getByTestId('budgets-notice').textContent()).toContain('agent “Blog Post Writer”');
    const list = (await (await fetch(`${system.url}/api/budgets`)).json()) as { budgets: { scopeRef: string }[] };
    expect(list.budgets.map((b) => b.scopeRef)).toContain('blog_post_writer');
    await screenshots(page, 'budgets', page.getByTestId('budgets-table'));
    await page.close();
  });
});
