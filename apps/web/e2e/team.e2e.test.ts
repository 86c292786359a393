/**
 * A team on one instance (authenticated mode, docs/security.md): the owner sets it up from the
 * printed link, looks at their profile, makes an API token and invites an approver; the approver
 * signs in, sees only that workspace and approves a paused step from a phone, and the audit log
 * names them; a viewer cannot approve, and signs in again on another device. In a shared
 * conversation each sees who wrote which message, and "You" on their own.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { assistantMessage, confirmIfAsked, contentWidth, screenshots, send } from './helpers.js';
import { startSystem, type RunningSystem } from './system.js';

const HIRING = 'Plan the hiring of a senior data engineer over the next two months';

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startSystem({ AUTH_MODE: 'authenticated', OFFLINE_STREAM_DELAY_MS: '0', STEP_BACKOFF_BASE_MS: '1' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** The names over the people's messages of the conversation open in `page`, once there are `count`. */
async function userAuthors(page: Page, count: number): Promise<string[]> {
  const authors = page.locator('[data-testid="chat-message"][data-role="user"] [data-testid="message-author"]');
  await expect.poll(() => authors.count(), { timeout: 20_000 }).toBe(count);
  return authors.allTextContents();
}

/** A JSON GET as the signed-in person of this browser context (its session cookie). */
async function getJson<T>(context: BrowserContext, url: string): Promise<T> {
  const res = await context.request.get(`${system.url}${url}`);
  expect(res.status(), url).toBe(200);
  return (await res.json()) as T;
}

const status = async (context: BrowserContext, id: string) =>
  (await getJson<{ status: string }>(context, `/api/projects/${id}`)).status;

/** Invites `email` as `role` from the Members page; the link shown once. */
async function invite(page: Page, email: string, role: string): Promise<string> {
  await page.goto(`${system.url}/members`);
  await page.getByTestId('invite-form-email').fill(email);
  await page.getByTestId('invite-form-role').selectOption(role);
  await page.getByTestId('invite-form-submit').click();
  const link = page.getByTestId('invitation-link-value');
  await link.waitFor({ timeout: 10_000 });
  return link.inputValue();
}

const passwordOf = (name: string) => `${name} has a long password`;

/**
 * A new person's browser: accepts the invitation with a name and password, and lands in the app
 * (`shot` names the screenshots of the filled-in invitation, if wanted).
 */
async function join(link: string, name: string, shot?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByTestId('invite-summary').waitFor({ timeout: 10_000 });
  await page.getByTestId('invite-name').fill(name);
  await page.getByTestId('invite-password').fill(passwordOf(name));
  if (shot) await screenshots(page, shot, page.getByTestId('invite'));
  await page.getByTestId('invite-accept').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/invite'), { timeout: 15_000 });
  return { context, page };
}

describe('journey: a team signs in and shares the work', () => {
  it('should let the owner set up and invite, an approver approve under their name, and a viewer only look', async () => {
    const setupLink = /First-run setup: open (\S+)/.exec(system.output())?.[1];
    expect(setupLink).toBeDefined();

    // Nobody is signed in: every page leads to setup.
    const ownerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const owner = await ownerContext.newPage();
    await owner.goto(`${system.url}/approvals`);
    await owner.waitForURL(/\/setup/, { timeout: 15_000 });
    await owner.goto(setupLink!);
    await owner.getByTestId('setup-name').fill('Sarah Chen');
    await owner.getByTestId('setup-email').fill('sarah@example.com');
    await owner.getByTestId('setup-password').fill('correct horse battery staple');
    await owner.getByTestId('setup-workspace').fill('Acme');
    await screenshots(owner, 'team-setup', owner.getByTestId('setup'));
    await owner.getByTestId('setup-submit').click();
    await owner.waitForURL((url) => !url.pathname.startsWith('/setup'), { timeout: 15_000 });

    // The owner plans a project and approves its plan; the run pauses at a gated step.
    await send(owner, HIRING);
    await owner.waitForURL(/\/workspace\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const conversation = new URL(owner.url()).pathname;
    const card = (await assistantMessage(owner, 1)).getByTestId('plan-card');
    await card.waitFor({ timeout: 20_000 });
    await card.getByTestId('plan-approve').click();
    await card.getByTestId('plan-approved').waitFor({ timeout: 10_000 });
    const projectId = (await card.getAttribute('data-project-id'))!;
    await expect.poll(() => status(ownerContext, projectId), { timeout: 60_000 }).toBe('paused_for_approval');

    // The owner's profile, and an API token for a script: its secret shown once, then listed.
    await owner.goto(`${system.url}/account`);
    await expect.poll(() => owner.getByTestId('profile-role').textContent(), { timeout: 10_000 }).toContain('Admin');
    await screenshots(owner, 'team-account', owner.getByTestId('profile'));
    await owner.getByTestId('profile-tokens').click();
    await owner.getByTestId('token-name').fill('nightly report');
    await owner.getByTestId('token-role').selectOption('viewer');
    await owner.getByTestId('token-create').click();
    const secret = owner.getByTestId('token-secret-value');
    await secret.waitFor({ timeout: 10_000 });
    const token = await secret.inputValue();
    await owner.getByTestId('token-row').first().waitFor({ timeout: 10_000 });
    await screenshots(owner, 'team-tokens', secret);
    const asToken = await fetch(`${system.url}/api/projects/${projectId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asToken.status).toBe(200);

    const approverLink = await invite(owner, 'ana@example.com', 'approver');
    await screenshots(owner, 'team-members', owner.getByTestId('invitation-link-value'));
    const viewerLink = await invite(owner, 'vic@example.com', 'viewer');

    // A viewer sees the queue but cannot decide: the action is there, disabled, saying why.
    const viewer = await join(viewerLink, 'Vic Viewer', 'team-invite');
    await viewer.page.goto(`${system.url}/approvals?projectId=${projectId}`);
    const viewerRow = viewer.page.getByTestId('approval-row').first();
    await viewerRow.waitFor({ timeout: 15_000 });
    const approve = viewerRow.getByTestId('approval-approve');
    await expect.poll(() => approve.isDisabled()).toBe(true);
    expect(await approve.getAttribute('title')).toMatch(/approver/);
    await screenshots(viewer.page, 'team-viewer-approvals', viewerRow);
    // The server refuses it too, whatever the page offers.
    const refused = await viewer.context.request.post(
      `${system.url}/api/approvals/${await viewerRow.getAttribute('data-approval-id')}/decision`,
      { data: { decision: 'approve' }, headers: { 'content-type': 'application/json' } },
    );
    expect(refused.status()).toBe(403);

    // The approver joins, sees this one workspace, and approves the waiting step.
    const approver = await join(approverLink, 'Ana Lopez');
    const session = await getJson<{ workspaces: Array<{ name: string }>; workspace: { role: string } }>(
      approver.context,
      '/api/auth/session',
    );
    expect(session.workspaces.map((w) => w.name)).toEqual(['Acme']);
    expect(session.workspace.role).toBe('approver');
    await approver.page.goto(`${system.url}/approvals?projectId=${projectId}`);
    const row = approver.page.getByTestId('approval-row').first();
    await row.waitFor({ timeout: 15_000 });
    const approvalId = (await row.getAttribute('data-approval-id'))!;
    await screenshots(approver.page, 'team-approver-approvals', row);
    // From a phone: the decision is in reach without scrolling sideways.
    await approver.page.setViewportSize({ width: 390, height: 844 });
    const decide = row.getByTestId('approval-approve');
    await decide.scrollIntoViewIfNeeded();
    const box = (await decide.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await contentWidth(approver.page)).toBeLessThanOrEqual(390);
    await decide.click();
    await confirmIfAsked(approver.page);
    await expect
      .poll(() => approver.page.locator(`[data-testid="approval-row"][data-approval-id="${approvalId}"]`).count(), {
        timeout: 15_000,
      })
      .toBe(0);
    const decided = await getJson<{ status: string; decidedByName?: string | null }>(
      ownerContext,
      `/api/approvals/${approvalId}`,
    );
    expect(decided.status).toBe('approved');
    const audit = await getJson<{ entries: Array<{ action: string; actorName: string; approvalId: string | null }> }>(
      ownerContext,
      `/api/audit?projectId=${projectId}&limit=200`,
    );
    expect(audit.entries.some((e) => e.actorName === 'Ana Lopez')).toBe(true);

    // The approver writes in the owner's conversation: both see who wrote what.
    await approver.page.goto(`${system.url}${conversation}`);
    await send(approver.page, 'Who reports to the CFO?');
    expect(await userAuthors(approver.page, 2)).toEqual(['Sarah Chen', 'You']);
    await owner.goto(`${system.url}${conversation}`);
    expect(await userAuthors(owner, 2)).toEqual(['You', 'Ana Lopez']);
    const anas = owner.locator('[data-testid="chat-message"][data-role="user"]').last();
    await screenshots(owner, 'team-chat-authors', anas);

    // The viewer signs in on another device and lands where the link pointed.
    const elsewhere = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const login = await elsewhere.newPage();
    await login.goto(`${system.url}/approvals`);
    await login.waitForURL(/\/login\?next=/, { timeout: 15_000 });
    await login.getByTestId('login-email').fill('vic@example.com');
    await login.getByTestId('login-password').fill(passwordOf('Vic Viewer'));
    await screenshots(login, 'team-login', login.getByTestId('login'));
    await login.getByTestId('login-submit').click();
    await login.waitForURL(/\/approvals/, { timeout: 15_000 });

    await Promise.all([ownerContext.close(), approver.context.close(), viewer.context.close(), elsewhere.close()]);
  });
});
