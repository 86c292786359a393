/**
 * A little of everything, as the owner of an instance in authenticated mode would have it after a
 * first session: set up, a conversation that planned a project, the project approved and paused
 * at a gated step (an approval waiting), a budget and an API token. Used by the page-load bench
 * and the phone-width journey, with the views to visit and what shows each one has loaded.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import type { RunningSystem } from './system.js';

/** The system's settings for a seeded run: accounts, and no artificial delays. */
export const SEED_SYSTEM_ENV = {
  AUTH_MODE: 'authenticated',
  OFFLINE_STREAM_DELAY_MS: '0',
  STEP_BACKOFF_BASE_MS: '1',
};

const VIEWPORT = { width: 1440, height: 900 };
const PASSWORD = 'correct horse battery staple';

export interface View {
  name: string;
  path: string;
  /** Visible once the view shows its data (not only its frame). */
  selector: string;
}

export interface Showcase {
  /** The owner's browser context, signed in. */
  context: BrowserContext;
  views: View[];
}

async function api(context: BrowserContext, url: string, method: 'POST' | 'PUT', data: unknown): Promise<unknown> {
  const res = await context.request.fetch(url, { method, data, headers: { 'content-type': 'application/json' } });
  if (!res.ok()) throw new Error(`${method} ${url}: ${res.status()} ${await res.text()}`);
  return res.json();
}

/** The first-run setup link, which the system prints around the time it says it is ready. */
async function printedSetupLink(system: RunningSystem): Promise<string> {
  for (const until = Date.now() + 10_000; Date.now() < until;) {
    const link = /First-run setup: open (\S+)/.exec(system.output())?.[1];
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the system printed no setup link:\n${system.output()}`);
}

/** The owner sets up the instance, plans a project and approves it (it pauses at a gated step). */
export async function seedShowcase(system: RunningSystem, browser: Browser): Promise<Showcase> {
  const setupLink = await printedSetupLink(system);
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(setupLink);
  await page.getByTestId('setup-name').fill('Sarah Chen');
  await page.getByTestId('setup-email').fill('sarah@example.com');
  await page.getByTestId('setup-password').fill(PASSWORD);
  await page.getByTestId('setup-workspace').fill('Acme');
  await page.getByTestId('setup-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/setup'), { timeout: 15_000 });

  const composer = page.getByTestId('composer-input');
  await composer.waitFor();
  await page.waitForFunction(
    () => !document.querySelector<HTMLTextAreaElement>('[data-testid="composer-input"]')?.disabled,
  );
  await composer.fill('Plan the hiring of a senior data engineer over the next two months');
  await composer.press('Enter');
  await page.waitForURL(/\/workspace\/[0-9a-f-]{36}$/, { timeout: 15_000 });
  const conversation = new URL(page.url()).pathname;
  const card = page.getByTestId('plan-card').first();
  await card.waitFor({ timeout: 30_000 });
  await card.getByTestId('plan-approve').click();
  await card.getByTestId('plan-approved').waitFor({ timeout: 15_000 });
  const projectId = await card.getAttribute('data-project-id');
  // The run pauses at a gated step: an approval to list.
  await page.goto(`${system.url}/approvals`);
  await page.getByTestId('approval-row').first().waitFor({ timeout: 60_000 });

  await api(context, `${system.url}/api/budgets`, 'PUT', {
    scope: 'department',
    scopeRef: 'marketing',
    period: 'month',
    costHardLimitUsd: 50,
  });
  await api(context, `${system.url}/api/tokens`, 'POST', { name: 'nightly report' });
  await page.close();

  const views: View[] = [
    { name: 'chat', path: conversation, selector: '[data-testid="chat-message"]' },
    { name: 'chat (new)', path: '/workspace', selector: '[data-testid="conversation-item"]' },
    { name: 'projects', path: '/projects', selector: '[data-testid="project-row"]' },
    { name: 'project', path: `/projects/${projectId}`, selector: '[data-testid="project-status"]' },
    { name: 'approvals', path: '/approvals', selector: '[data-testid="approval-row"]' },
    { name: 'organization', path: '/organization', selector: '[data-testid="org-chart-node"]' },
    { name: 'workforce', path: '/workforce', selector: '[data-testid="workforce-row"]' },
    { name: 'agent', path: '/workforce/blog_post_writer', selector: '[data-testid="context-editor-input"]' },
    { name: 'budgets', path: '/budgets', selector: '[data-testid="budget-row"]' },
    { name: 'members', path: '/members', selector: '[data-testid="member-row"]' },
    { name: 'tokens', path: '/account/tokens', selector: '[data-testid="token-row"]' },
    { name: 'account', path: '/account', selector: '[data-testid="profile-role"]' },
  ];
  return { context, views };
}
