import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { addedDiffLines } from './diff.js';
import { startSystem, type RunningSystem } from './system.js';

const CONTEXT_FILE = 'marketing/blog_post_writer/Context.md';
const THEIRS = 'Theirs: prefer short paragraphs of three sentences.';
const MINE = 'Mine: every post needs a concrete example.';

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

async function openEditor(page: Page): Promise<void> {
  await page.goto(`${system.url}/workforce/blog_post_writer`);
  // The editor is loaded on demand: allow for a slow first load.
  await page.getByTestId('context-editor-input').waitFor({ timeout: 30_000 });
}

async function append(page: Page, text: string): Promise<void> {
  await page.getByTestId('context-editor-input').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

const editorText = async (page: Page) =>
  (await page.getByTestId('context-editor-input').innerText()).replace(/\u00a0/g, ' ');

describe('journey 3: two people edit the same agent', () => {
  it('should show the second saver the conflict with the diff, keep their text, and let them take the other version', async () => {
    // Two people (separate browser contexts) open the same version.
    const alice = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    await openEditor(alice);
    await openEditor(bob);
    const base = Number(await alice.getByTestId('context-base-version').textContent());
    expect(Number(await bob.getByTestId('context-base-version').textContent())).toBe(base);

    await append(alice, THEIRS);
    await append(bob, MINE);

    await alice.getByTestId('context-save').click();
    await expect
      .poll(() => alice.getByTestId('context-saved').textContent(), { timeout: 10_000 })
      .toContain(`version ${base + 1}`);

    // Bob saves from the old version: a conflict, not a silent overwrite.
    await bob.getByTestId('context-save').click();
    const panel = bob.getByTestId('agent-conflict');
    await panel.waitFor({ timeout: 10_000 });
    expect(await panel.getByTestId('agent-conflict-summary').textContent()).toContain(`saved version ${base + 1}`);
    await expect.poll(() => addedDiffLines(panel)).toContain(THEIRS);
    expect(await panel.getByTestId('agent-conflict-mine').inputValue()).toContain(MINE);
    expect(await editorText(bob)).toContain(MINE);
    // Nothing of Bob's reached the file.
    expect(await readFile(path.join(agentsDir, CONTEXT_FILE), 'utf8')).not.toContain(MINE);

    // Bob takes Alice's version; his text stays in the copy box.
    await panel.getByTestId('conflict-take-theirs').click();
    await expect.poll(() => editorText(bob), { timeout: 10_000 }).toContain(THEIRS);
    expect(await editorText(bob)).not.toContain(MINE);
    expect(await bob.getByTestId('context-kept-copy').locator('textarea').inputValue()).toContain(MINE);
    expect(await bob.getByTestId('context-base-version').textContent()).toBe(String(base + 1));

    // Bob re-applies his line on top of Alice's: both are in the new version.
    await append(bob, MINE);
    await bob.getByTestId('context-save').click();
    await expect
      .poll(() => bob.getByTestId('context-saved').textContent(), { timeout: 10_000 })
      .toContain(`version ${base + 2}`);
    const saved = await readFile(path.join(agentsDir, CONTEXT_FILE), 'utf8');
    expect(saved).toContain(THEIRS);
    expect(saved).toContain(MINE);
  });
});
