import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { addedDiffLines } from './diff.js';
import { assistantMessage, send } from './helpers.js';
import { startSystem, type RunningSystem } from './system.js';

const CONTEXT_FILE = 'marketing/blog_post_writer/Context.md';
const ADDED = 'Always close with a one line summary for busy readers.';

let system: RunningSystem;
let browser: Browser;
let agentsDir: string;

beforeAll(async () => {
  // Saves write the agents folder: the system runs on a copy of agents/ (system.agentsDir).
  system = await startSystem({ OFFLINE_STREAM_DELAY_MS: '0' });
  agentsDir = system.agentsDir;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** Types at the end of the Context.md editor (CodeMirror), as a person would. */
async function appendToEditor(page: Page, text: string): Promise<void> {
  const editor = page.getByTestId('context-editor-input');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

async function editorText(page: Page): Promise<string> {
  return (await page.getByTestId('context-editor-input').innerText()).replace(/\u00a0/g, ' ');
}

/** The agent.yaml of a deployed agent, whichever department folder it went to ('' if none). */
async function deployedDefinition(name: string): Promise<string> {
  for (const department of await readdir(agentsDir)) {
    const text = await readFile(path.join(agentsDir, department, name, 'agent.yaml'), 'utf8').catch(() => null);
    if (text !== null) return text;
  }
  return '';
}

async function openAgent(page: Page, name: string): Promise<void> {
  await page.goto(`${system.url}/workforce`);
  await page.locator(`[data-testid="workforce-row"][data-agent="${name}"]`).getByTestId('workforce-open').click();
  await page
    .locator(`[data-testid="agent-detail"][data-agent="${name}"]`)
    .getByTestId('context-editor-input')
    .waitFor({ timeout: 30_000 });
}

describe("journey 3: edit an agent's Context.md in the workforce view", () => {
  it('should save a new version with a diff, use it for the next delegation at once, and restore the previous one', async () => {
    const original = await readFile(path.join(agentsDir, CONTEXT_FILE), 'utf8');
    const page = await browser.newPage();
    await openAgent(page, 'blog_post_writer');
    const base = Number(await page.getByTestId('context-base-version').textContent());

    // Edit and save: a new version, written to the file the registry loads.
    await appendToEditor(page, ADDED);
    await page.getByTestId('context-save-message').fill('Add a closing summary rule');
    await page.getByTestId('context-save').click();
    await expect
      .poll(() => page.getByTestId('context-saved').textContent(), { timeout: 10_000 })
      .toContain(`version ${base + 1}`);
    await expect.poll(() => readFile(path.join(agentsDir, CONTEXT_FILE), 'utf8')).toContain(ADDED);

    // The version list and the diff of the new version against the one before.
    await page.getByTestId('agent-tab-versions').click();
    const newest = page.getByTestId('version-item').first();
    await expect.poll(() => newest.getAttribute('data-version'), { timeout: 10_000 }).toBe(String(base + 1));
    await expect.poll(() => newest.textContent()).toContain('Add a closing summary rule');
    await expect.poll(() => addedDiffLines(page.locator('body')), { timeout: 10_000 }).toContain(ADDED);
    // Side by side: the version before on the left, this one on the right, both CodeMirror.
    const contextDiff = page.getByTestId('agent-diff').first();
    expect(await contextDiff.getAttribute('data-layout')).toBe('split');
    expect(await contextDiff.locator('.cm-mergeView .cm-editor').count()).toBe(2);
    expect(await contextDiff.locator('.cm-merge-a .cm-content').getAttribute('contenteditable')).toBe('false');

    // Delegate from the chat: the answer says which Context.md version it followed.
    await page.goto(system.url);
    await send(page, 'Ask the blog post writer to write a post about remote work');
    const reply = await assistantMessage(page, 1);
    await expect
      .poll(() => reply.getByTestId('delegation-agent').textContent(), { timeout: 30_000 })
      .toContain('blog_post_writer');
    await expect
      .poll(() => reply.getByTestId('delegation-context-version').getAttribute('data-version'), { timeout: 10_000 })
      .toBe(String(base + 1));

    // Restore the previous version (confirmed): a new version with the old text, on disk too.
    await reply.getByTestId('delegation-context-version').click();
    await page.locator('[data-testid="agent-detail"][data-agent="blog_post_writer"]').waitFor();
    await page.getByTestId('agent-tab-versions').click();
    await page.locator(`[data-testid="version-item"][data-version="${base}"]`).getByTestId('version-restore').click();
    await page.getByTestId('confirm-accept').click({ timeout: 10_000 });
    await expect
      .poll(() => page.getByTestId('restore-notice').textContent(), { timeout: 10_000 })
      .toContain(`restored as version ${base + 2}`);
    await expect.poll(() => readFile(path.join(agentsDir, CONTEXT_FILE), 'utf8')).toBe(original);
    await page.getByTestId('agent-tab-context').click();
    await expect.poll(() => editorText(page)).not.toContain(ADDED);
    await page.close();
  });

  it('should build a new agent from the wizard, show its progress live, deploy it once approved, and retire it with a reason', async () => {
    const page = await browser.newPage();
    await page.goto(`${system.url}/workforce`);
    await page.getByTestId('workforce-create').click();
    const wizard = page.getByTestId('create-agent-wizard');
    await wizard.locator('[data-testid="template-card"][data-template="customer_service"]').click({ timeout: 10_000 });
    await wizard
      .getByTestId('wizard-request')
      .fill('An agent that answers customer questions about invoices and payment dates');
    await wizard.locator('summary').click();
    await wizard.getByTestId('wizard-name').fill('invoice_helper');
    await wizard.getByTestId('wizard-submit').click();

    // The card follows the build over the socket until a person has to decide.
    const card = page.getByTestId('agent-build-card').first();
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('awaiting_approval');
    expect(await card.locator('[data-testid="build-stage"][data-stage="validating"]').getAttribute('data-state')).toBe(
      'done',
    );
    expect(await card.getByTestId('build-check').count()).toBeGreaterThan(0);
    expect(await card.getByTestId('build-draft').textContent()).toContain('invoice_helper');

    await card.getByTestId('build-approve').click();
    await page.getByTestId('confirm-accept').click({ timeout: 10_000 });
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('deployed');
    // Deployed means written to agents/<department>/invoice_helper/ as well.
    await expect
      .poll(() => deployedDefinition('invoice_helper'), { timeout: 10_000 })
      .toContain('name: invoice_helper');

    await card.getByTestId('build-agent-link').click();
    await page.locator('[data-testid="agent-detail"][data-agent="invoice_helper"]').waitFor({ timeout: 10_000 });

    // Retiring asks for a reason and says what happened to the agent's pending work.
    await page.getByTestId('agent-retire').click();
    await page.getByTestId('confirm-notes').fill('Replaced by the billing team');
    await page.getByTestId('confirm-accept').click();
    await expect
      .poll(() => page.getByTestId('retire-result').textContent(), { timeout: 10_000 })
      .toContain('is retired');
    await expect.poll(() => page.getByTestId('agent-detail-status').getAttribute('data-status')).toBe('retired');
    await page.close();
  });

  it('should refuse an invalid setting next to its field, save a valid one, and propose an improvement from feedback', async () => {
    const page = await browser.newPage();
    await openAgent(page, 'content_strategist');
    await page.getByTestId('agent-tab-settings').click();
    const temperature = page.getByTestId('settings-temperature');
    await temperature.fill('3');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-temperature-error').textContent()).toMatch(/2/);

    await temperature.fill('0.4');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => page.getByTestId('settings-saved').textContent(), { timeout: 10_000 })
      .toMatch(/Saved as version \d+/);
    await expect
      .poll(() => readFile(path.join(agentsDir, 'marketing/content_strategist/agent.yaml'), 'utf8'))
      .toContain('temperature: 0.4');

    await page.getByTestId('agent-tab-improvements').click();
    await page
      .getByTestId('improvement-feedback')
      .fill('Calendars are too vague: give every item an owner and a publish date.');
    await page.getByTestId('improvement-propose').click();
    const item = page.getByTestId('improvement-item').first();
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('Manual');
    await page.close();
  });

  it('should show the build card in the chat and follow it to a rejection when the CEO starts building an agent', async () => {
    const page = await browser.newPage();
    await page.goto(system.url);
    await send(page, 'We need an agent that reconciles invoices with bank statements');
    const reply = await assistantMessage(page, 1);
    const card = reply.getByTestId('agent-build-card');
    await card.waitFor({ timeout: 30_000 });
    // Progress arrives in the chat over the socket, up to the decision.
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('awaiting_approval');
    await card.getByTestId('build-reject').click();
    await page.getByTestId('confirm-accept').click({ timeout: 10_000 });
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('rejected');
    await page.close();
  });

  it('should apply an improvement approved on its chat card and show the new version in the workforce view when feedback names an agent', async () => {
    const page = await browser.newPage();
    await openAgent(page, 'blog_post_writer');
    const base = Number(await page.getByTestId('context-base-version').textContent());

    await page.goto(system.url);
    await send(page, "The blog post writer's posts are way too long, keep them under 600 words");
    const reply = await assistantMessage(page, 1);
    const card = reply.getByTestId('agent-improvement-card');
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('pending_approval');
    await expect.poll(() => addedDiffLines(card).then((lines) => lines.join('\n'))).toContain('600 words');

    await card.getByTestId('improvement-approve').click();
    await page.getByTestId('confirm-notes').fill('Shorter is better');
    await page.getByTestId('confirm-accept').click({ timeout: 10_000 });
    // Applied on the server after the decision; the card follows agent_improvement.updated.
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('applied');
    expect(await card.getByTestId('improvement-card-applied').textContent()).toBe(`Applied as version ${base + 1}.`);
    expect(await card.getByTestId('improvement-approve').count()).toBe(0);
    await expect.poll(() => readFile(path.join(agentsDir, CONTEXT_FILE), 'utf8')).toContain('600 words');

    // The agent link opens its improvements; the version link its history, newest first.
    await card.getByTestId('improvement-card-agent').click();
    const item = page.getByTestId('improvement-item').first();
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 10_000 }).toBe('applied');
    expect(await item.textContent()).toContain(`→ v${base + 1}`);
    await page.goBack();
    await reply
      .getByTestId('agent-improvement-card')
      .getByTestId('improvement-card-version-link')
      .click({ timeout: 20_000 });
    const newest = page.getByTestId('version-item').first();
    await expect.poll(() => newest.getAttribute('data-version'), { timeout: 10_000 }).toBe(String(base + 1));
    await page.getByTestId('agent-tab-context').click();
    await expect.poll(() => page.getByTestId('context-base-version').textContent()).toBe(String(base + 1));
    await page.close();
  });
});
