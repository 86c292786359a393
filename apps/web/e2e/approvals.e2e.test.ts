import type { Approval, ApprovalDetail, ProjectStep } from '@orchestrator/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { assistantMessage, confirm, confirmIfAsked, projectStatus, screenshots, send, settled } from './helpers.js';
import { startSystem, type RunningSystem } from './system.js';

const HIRING = 'Plan the hiring of a senior data engineer over the next two months';

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
 * Approves, from the Approvals page filtered to the project, everything it waits for, and waits
 * until the rows have left the queue. (Other tests' approvals, e.g. an improvement proposed from a
 * rejection, are not this journey's to decide.)
 */
async function approveWaiting(page: Page, projectId: string): Promise<void> {
  await page.goto(`${system.url}/approvals?projectId=${projectId}`);
  // Generous: on a loaded machine the page and the live request can take a while. A project can
  // also be paused with nothing left to decide: decisions taken while its run was pausing are
  // picked up by the next run, which moves it on (docs/operations.md#project-runs).
  const rows = () => page.getByTestId('approval-row').count();
  await expect
    .poll(async () => (await rows()) > 0 || (await projectStatus(system.url, projectId)) !== 'paused_for_approval', {
      timeout: 30_000,
    })
    .toBe(true);
  if ((await rows()) === 0) return;
  const ids = await page
    .getByTestId('approval-row')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-approval-id')));
  await page.getByTestId('approvals-select-all').click();
  await page.getByTestId('approvals-bulk-approve').click();
  // One row is confirmed in the ordinary dialog; several in the bulk dialog, grouped by kind.
  if (ids.length > 1) await page.getByTestId('bulk-confirm').click({ timeout: 10_000 });
  else await confirm(page);
  // Decided rows leave the queue live; new requests may arrive meanwhile.
  for (const approvalId of ids) {
    await expect
      .poll(() => page.locator(`[data-testid="approval-row"][data-approval-id="${approvalId}"]`).count(), {
        timeout: 10_000,
      })
      .toBe(0);
  }
}

async function approvePlan(page: Page, request: string): Promise<string> {
  await page.goto(system.url);
  await send(page, request);
  const card = (await assistantMessage(page, 1)).getByTestId('plan-card');
  await card.waitFor({ timeout: 20_000 });
  await card.getByTestId('plan-approve').click();
  await card.getByTestId('plan-approved').waitFor({ timeout: 10_000 });
  const id = (await card.getAttribute('data-project-id'))!;
  await expect.poll(() => projectStatus(system.url, id), { timeout: 10_000 }).not.toBe('awaiting_plan_approval');
  return id;
}

describe('journey 2: approve paused steps', () => {
  it('should pause on gated steps, show them live, and finish once a person decides', async () => {
    const page = await browser.newPage();
    const id = await approvePlan(page, HIRING);
    await page.getByRole('link', { name: /Approvals/ }).click();
    // The request appears live, with its badge.
    await expect.poll(() => page.getByTestId('approval-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => Number((await page.getByTestId('nav-approvals-badge').textContent())?.replace(/\D/g, '') || 0))
      .toBeGreaterThan(0);
    await page
      .getByTestId('approval-row')
      .first()
      .getByTestId('approval-open')
      .click()
      .catch(() => undefined);

    for (let round = 0; round < 40; round++) {
      const status = await settled(system.url, id);
      if (status === 'completed') break;
      if (status === 'paused_for_approval') {
        await approveWaiting(page, id);
      } else if (status === 'paused_on_error' || status === 'paused_for_agent_development') {
        await page.goto(`${system.url}/projects/${id}`);
        const skip = page.getByTestId('recover-skip').first();
        await skip.waitFor({ timeout: 10_000 });
        await skip.click();
        await confirmIfAsked(page);
        await expect.poll(() => projectStatus(system.url, id), { timeout: 10_000 }).not.toBe(status);
      } else {
        throw new Error(`unexpected project status ${status}`);
      }
    }
    expect(await projectStatus(system.url, id)).toBe('completed');
    await page.goto(`${system.url}/projects/${id}`);
    await expect
      .poll(() => page.getByTestId('project-progress').getAttribute('data-percent'), { timeout: 10_000 })
      .toBe('100');
    await page.close();
  });

  it('should stop with a clear reason when a person rejects a step', async () => {
    const page = await browser.newPage();
    const id = await approvePlan(page, HIRING);
    expect(await settled(system.url, id)).toBe('paused_for_approval');
    await page.goto(`${system.url}/approvals`);
    const row = page.getByTestId('approval-row').first();
    await row.waitFor({ timeout: 10_000 });
    const rejectedId = await row.getAttribute('data-approval-id');
    await row.getByTestId('approval-reject').click();
    await page.getByTestId('confirm-notes').fill('not this quarter', { timeout: 10_000 });
    await confirm(page);
    // The decision is made once the row leaves the queue.
    await expect
      .poll(() => page.locator(`[data-testid="approval-row"][data-approval-id="${rejectedId}"]`).count(), {
        timeout: 10_000,
      })
      .toBe(0);
    await page.goto(`${system.url}/projects/${id}`);
    await expect
      .poll(() => page.locator('[data-testid="project-error"][data-category="permission"]').count(), {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('[data-testid="project-error"][data-category="permission"]').first().textContent())
      .toMatch(/Rejected/);
    await page.close();
  });
});

describe('journey 2: travel back to a checkpoint', () => {
  it('should roll a paused project back and fork a new project from the checkpoint timeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const id = await approvePlan(page, HIRING);
    // Two rounds of approvals: the first step, then the two that follow it; the fourth waits.
    for (let round = 0; round < 2; round++) {
      expect(await settled(system.url, id)).toBe('paused_for_approval');
      await approveWaiting(page, id);
    }
    expect(await settled(system.url, id)).toBe('paused_for_approval');
    const history = (await (await fetch(`${system.url}/api/projects/${id}/checkpoints`)).json()) as {
      checkpoints: Array<{ checkpointId: string; completedSteps: string[] }>;
    };
    const target = history.checkpoints.find((c) => c.completedSteps.length === 1)!;
    const item = page.locator(`[data-testid="checkpoint-item"][data-checkpoint-id="${target.checkpointId}"]`);

    await page.goto(`${system.url}/projects/${id}`);
    await expect
      .poll(() => page.getByTestId('project-progress').getAttribute('data-done'), { timeout: 10_000 })
      .toBe('3');
    await item.getByTestId('checkpoint-rollback').click();
    await confirm(page);
    await expect
      .poll(() => page.getByTestId('project-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('paused_by_user');
    await expect.poll(() => page.getByTestId('project-progress').getAttribute('data-done')).toBe('1');
    await expect.poll(() => page.getByTestId('checkpoint-item').count()).toBe(history.checkpoints.length + 1);
    expect(await page.getByTestId('checkpoint-error').count()).toBe(0);
    // The confirmation has faded out before the picture is taken.
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await screenshots(page, 'project-rolled-back', page.getByTestId('project-checkpoints'));

    // A fork is a new project from the same checkpoint; this one stays as it is.
    await item.getByTestId('checkpoint-fork').click();
    await expect(page.getByRole('dialog').textContent()).resolves.toMatch(/This project stays as it is/);
    await screenshots(page, 'project-fork-confirm', page.getByRole('dialog'));
    await confirm(page);
    await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain(id);
    const forkId = page.url().split('/').pop()!;
    await expect.poll(() => page.locator('#project-detail-title').textContent()).toMatch(/\(fork\)\s*$/);
    await expect
      .poll(() => page.getByTestId('project-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('paused_by_user');
    await expect.poll(() => page.getByTestId('project-progress').getAttribute('data-done')).toBe('1');
    await expect.poll(() => page.getByTestId('checkpoint-item').count()).toBe(1);
    await screenshots(page, 'project-forked', page.getByTestId('project-controls'));

    // The fork runs on its own; the source is still where the rollback left it.
    await page.getByTestId('project-control-resume').click();
    await expect.poll(() => projectStatus(system.url, forkId), { timeout: 20_000 }).toBe('paused_for_approval');
    expect(await projectStatus(system.url, id)).toBe('paused_by_user');
    await page.close();
  });
});

const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${system.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as T;
};
const pendingOf = async (projectId: string) =>
  (await api<{ approvals: Approval[] }>('GET', `/api/approvals?status=pending&projectId=${projectId}`)).approvals;

/** No text a person reads may be a raw value: "null", JSON, or an internal kind name. */
async function expectPlainWords(page: Page, testId: string): Promise<void> {
  const text = (await page.getByTestId(testId).first().innerText()).replace(/\s+/g, ' ');
  expect(text).not.toMatch(/\bnull\b|\bundefined\b|run_step|human_approval|agent_improvement|[{[]\s*"/);
}

describe('journey 2: deciding with what a step builds on', () => {
  it('should preview upstream results, group a bulk decision by kind and approve the remaining steps', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const id = await approvePlan(page, HIRING);
    expect(await settled(system.url, id)).toBe('paused_for_approval');
    await approveWaiting(page, id);
    expect(await settled(system.url, id)).toBe('paused_for_approval');

    // Steps that build on the first one now wait; so does a change to an agent's Context.md.
    const steps = await pendingOf(id);
    expect(steps.length).toBeGreaterThan(0);
    const proposed = await api<{ approvalId: string }>('POST', '/api/agents/blog_post_writer/improvements', {
      feedback: 'Keep posts under 800 words.',
    });
    await expect
      .poll(async () => (await api<Approval>('GET', `/api/approvals/${proposed.approvalId}`)).status, {
        timeout: 20_000,
      })
      .toBe('pending');

    // The preview shows what the step builds on: the first step's result, rendered.
    const withInputs = (await Promise.all(steps.map((a) => api<ApprovalDetail>('GET', `/api/approvals/${a.id}`)))).find(
      (d) => d.inputs.some((i) => i.content),
    );
    expect(withInputs, 'a waiting step that builds on a finished one').toBeDefined();
    await page.goto(`${system.url}/approvals?approval=${withInputs!.id}`);
    const preview = page.getByTestId('approval-preview');
    await preview.getByTestId('approval-input-body').first().waitFor({ timeout: 10_000 });
    expect((await preview.getByTestId('approval-input-body').first().innerText()).trim().length).toBeGreaterThan(20);
    expect(await preview.getByTestId('approval-summary').innerText()).toMatch(/ will run “/);
    await preview.getByTestId('approval-upcoming').waitFor();
    await expectPlainWords(page, 'approval-preview');
    await expectPlainWords(page, 'approvals-table');
    await screenshots(page, 'approvals-preview', preview);

    // Bulk: project steps and the agent change in separate groups, the change's diff shown, and
    // the change left out unless it is ticked.
    for (const approvalId of [...steps.map((a) => a.id), proposed.approvalId])
      await page
        .locator(`[data-testid="approval-row"][data-approval-id="${approvalId}"] [data-testid="approval-select"]`)
        .check();
    await page.getByTestId('approvals-bulk-approve').click();
    const dialog = page.getByTestId('bulk-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('bulk-group-steps').getByTestId('bulk-item').count()).toBe(steps.length);
    const change = dialog.getByTestId('bulk-group-agents');
    // The diff's panes draw once CodeMirror has loaded (the first diff shown fetches it).
    await expect.poll(() => change.getByTestId('agent-diff').innerText()).toMatch(/800 words/);
    expect(await dialog.getByTestId('bulk-confirm').innerText()).toMatch(/project step/);
    expect(await dialog.getByTestId('bulk-confirm').innerText()).not.toMatch(/agent change/);
    await expectPlainWords(page, 'bulk-dialog');
    await screenshots(page, 'approvals-bulk', dialog);
    await dialog.getByTestId('bulk-confirm').click();
    for (const a of steps)
      await expect
        .poll(async () => (await api<Approval>('GET', `/api/approvals/${a.id}`)).status, { timeout: 10_000 })
        .toBe('approved');
    expect((await api<Approval>('GET', `/api/approvals/${proposed.approvalId}`)).status).toBe('pending');

    // Approve the remaining steps at high risk or below: later ones go ahead as they are reached.
    expect(await settled(system.url, id)).toBe('paused_for_approval');
    const next = (await pendingOf(id))[0]!;
    await page.goto(`${system.url}/approvals?approval=${next.id}`);
    await page.getByTestId('approval-remaining').waitFor({ timeout: 10_000 });
    await page.getByTestId('approve-remaining-risk').selectOption('high');
    await page.getByTestId('approve-remaining').click();
    await expect(page.getByTestId('confirm-dialog').innerText()).resolves.toMatch(/Critical steps/);
    await confirm(page, 'Routine hiring steps');
    await page.getByTestId('approve-remaining-notice').waitFor({ timeout: 10_000 });
    await page.getByTestId('approval-standing').waitFor();
    await screenshots(page, 'approvals-remaining', page.getByTestId('approval-remaining'));

    // The run goes on; only what needs its own decision still stops it.
    for (let round = 0; round < 20; round++) {
      const status = await settled(system.url, id);
      if (status === 'completed') break;
      if (status === 'paused_for_approval') {
        const waiting = await pendingOf(id);
        for (const a of waiting) expect(a.riskLevel === 'critical' || a.action === 'human_approval').toBe(true);
        await approveWaiting(page, id);
      } else if (status === 'paused_on_error' || status === 'paused_for_agent_development') {
        const stuck = (await api<{ steps: ProjectStep[] }>('GET', `/api/projects/${id}/steps`)).steps.find(
          (s) => s.status === 'failed' || s.status === 'waiting_for_agent',
        )!;
        await api('POST', `/api/projects/${id}/steps/${encodeURIComponent(stuck.stepKey)}/recover`, { action: 'skip' });
      } else throw new Error(`unexpected project status ${status}`);
    }
    const all = (await api<{ approvals: Approval[] }>('GET', `/api/approvals?projectId=${id}&limit=200`)).approvals;
    expect(all.filter((a) => a.viaStandingApproval).length).toBeGreaterThan(0);
    await page.close();
  });
});
