/**
 * Who did what (docs/security.md): every mutating route of the permission matrix, called once
 * successfully by a named person in authenticated mode, records that person — an audit entry
 * with them as the actor, or the column of the changed row that names its author. The routes
 * come from docs/security.md, so a new one fails here until it says how it is recorded.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AuditPageSchema } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TOKEN } from '../src/modules/accounts/accounts.tokens.js';
import type { SetupToken } from '../src/modules/accounts/setup-token.js';
import { AgentBuildsService } from '../src/modules/agent-builds/agent-builds.service.js';
import { AgentImprovementsService } from '../src/modules/agent-improvements/agent-improvements.service.js';
import { SHIPPED_AGENTS, startApp, testDatabase, type TestApp } from './harness.js';
import { linearPlan, projectAwaitingApproval, projectStatus } from './linear-project.js';

const doc = await readFile(path.resolve(SHIPPED_AGENTS, '../docs/security.md'), 'utf8');
/** `METHOD /path` of every route in the permission matrix that changes something. */
const mutatingRoutes = [...doc.matchAll(/^\| *`((?:POST|PUT|PATCH|DELETE) \/[^`]+)` *\|/gm)].map((m) => m[1]!);

let db: TestDatabase;
let app: TestApp;
let sql: pg.Pool;
let defaultWorkspace: string;

interface Person {
  id: string;
  cookie: string;
}
const ada = { email: 'ada@example.com', name: 'Ada Admin', password: 'a long admin password' };
const ivy = { email: 'ivy@example.com', name: 'Ivy Invitee', password: 'ivy chose a password' };
let admin: Person;
/** Ada again, signed in a second time: the session that signs out and wanders to another workspace. */
let adminElsewhere: Person;
let invitee: Person;

/** What earlier scenarios made for later ones. */
const made: {
  inviteToken?: string;
  resetToken?: string;
  sideWorkspace?: string;
  conversationId?: string;
  improvementId?: string;
  approvalId?: string;
  buildId?: string;
  budgetId?: string;
  projectId?: string;
} = {};

async function call(cookie: string | undefined, method: string, route: string, body?: unknown) {
  const res = await fetch(`${app.baseUrl}${route}`, {
    method,
    headers: { ...(method === 'GET' ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper over arbitrary JSON
  const json = text ? (JSON.parse(text) as any) : undefined;
  expect(res.status, `${method} ${route}: ${text}`).toBeLessThan(300);
  return { body: json, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

/** An audit entry `action` wrote since `since`, by `who` (in the default workspace unless said). */
async function expectAudited(
  since: Date,
  action: string,
  who: { actor: string; workspaceId?: string; targetId?: string },
): Promise<void> {
  const { rows } = await sql.query<{ actor_type: string; actor: string; workspace_id: string; target_id: string }>(
    'select actor_type, actor, workspace_id, target_id from audit_log where action = $1 and created_at >= $2',
    [action, since],
  );
  expect(rows, action).toContainEqual(
    expect.objectContaining({
      actor_type: 'user',
      actor: who.actor,
      workspace_id: who.workspaceId ?? defaultWorkspace,
      ...(who.targetId ? { target_id: who.targetId } : {}),
    }),
  );
}

/** The one value `query` reads: the column that names the author of a changed row. */
const column = async (query: string, params: unknown[]) => Object.values((await sql.query(query, params)).rows[0]!)[0];

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what} never happened`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A project of the default workspace in `status`, with a two-step plan. */
async function projectIn(status: string, title: string): Promise<string> {
  const { projectId } = await projectAwaitingApproval(sql, linearPlan(title, 2));
  await sql.query(
    `update projects set status = $2, approved_version = 1, approved_at = now(), started_at = now() where id = $1`,
    [projectId, status],
  );
  return projectId;
}

/** How each mutating route is driven (in this order: later ones build on earlier ones) and attributed. */
const scenarios: Record<string, (since: Date) => Promise<void>> = {
  'POST /api/auth/setup': async (since) => {
    const setup = await call(undefined, 'POST', '/api/auth/setup', {
      setupToken: app.app.get<SetupToken>(SETUP_TOKEN, { strict: false }).value,
      email: ada.email,
      displayName: ada.name,
      password: ada.password,
    });
    admin = { cookie: setup.cookie!, id: setup.body.user.id };
    await expectAudited(since, 'instance.setup', { actor: admin.id });
  },
  'POST /api/auth/login': async (since) => {
    const signedIn = await call(undefined, 'POST', '/api/auth/login', { email: ada.email, password: ada.password });
    adminElsewhere = { cookie: signedIn.cookie!, id: signedIn.body.user.id };
    await expectAudited(since, 'session.sign_in', { actor: admin.id });
  },
  'POST /api/invitations': async (since) => {
    const invited = await call(admin.cookie, 'POST', '/api/invitations', { email: ivy.email, role: 'member' });
    made.inviteToken = tokenOf(invited.body.acceptUrl);
    await expectAudited(since, 'invitation.create', { actor: admin.id, targetId: invited.body.id });
  },
  'POST /api/invitations/accept': async (since) => {
    const joined = await call(undefined, 'POST', '/api/invitations/accept', {
      token: made.inviteToken,
      displayName: ivy.name,
      password: ivy.password,
    });
    invitee = { cookie: joined.cookie!, id: joined.body.user.id };
    await expectAudited(since, 'invitation.accept', { actor: invitee.id });
  },
  'DELETE /api/invitations/:id': async (since) => {
    const invited = await call(admin.cookie, 'POST', '/api/invitations', { email: 'otto@example.com', role: 'viewer' });
    await call(admin.cookie, 'DELETE', `/api/invitations/${invited.body.id}`);
    await expectAudited(since, 'invitation.revoke', { actor: admin.id, targetId: invited.body.id });
  },
  'PUT /api/members/:userId/role': async (since) => {
    await call(admin.cookie, 'PUT', `/api/members/${invitee.id}/role`, { role: 'approver' });
    await expectAudited(since, 'member.role_change', { actor: admin.id, targetId: invitee.id });
  },
  'POST /api/members/:userId/password-reset': async (since) => {
    made.resetToken = tokenOf(
      (await call(admin.cookie, 'POST', `/api/members/${invitee.id}/password-reset`)).body.resetUrl,
    );
    await expectAudited(since, 'member.password_reset', { actor: admin.id, targetId: invitee.id });
  },
  'POST /api/auth/password-reset': async (since) => {
    ivy.password = 'ivy reset her password';
    const reset = await call(undefined, 'POST', '/api/auth/password-reset', {
      token: made.resetToken,
      newPassword: ivy.password,
    });
    invitee = { ...invitee, cookie: reset.cookie! };
    await expectAudited(since, 'password.reset', { actor: invitee.id });
  },
  'POST /api/auth/password': async (since) => {
    await call(invitee.cookie, 'POST', '/api/auth/password', {
      currentPassword: ivy.password,
      newPassword: 'ivy changed her mind',
    });
    await expectAudited(since, 'password.change', { actor: invitee.id });
  },
  'POST /api/workspaces': async (since) => {
    made.sideWorkspace = (
      await call(adminElsewhere.cookie, 'POST', '/api/workspaces', { name: 'Side office' })
    ).body.id;
    await expectAudited(since, 'workspace.create', { actor: admin.id, workspaceId: made.sideWorkspace });
  },
  'POST /api/auth/workspace': async (since) => {
    await call(adminElsewhere.cookie, 'POST', '/api/auth/workspace', { workspaceId: made.sideWorkspace });
    await expectAudited(since, 'session.switch_workspace', { actor: admin.id, workspaceId: made.sideWorkspace });
  },
  'PUT /api/workspaces/current': async (since) => {
    await call(adminElsewhere.cookie, 'PUT', '/api/workspaces/current', { name: 'Side office (north)' });
    await expectAudited(since, 'workspace.rename', { actor: admin.id, workspaceId: made.sideWorkspace });
  },
  'POST /api/auth/logout': async (since) => {
    await call(adminElsewhere.cookie, 'POST', '/api/auth/logout');
    await expectAudited(since, 'session.sign_out', { actor: admin.id, workspaceId: made.sideWorkspace });
  },
  'POST /api/tokens': async (since) => {
    const created = await call(admin.cookie, 'POST', '/api/tokens', { name: 'Nightly export' });
    await expectAudited(since, 'api_token.created', { actor: admin.id, targetId: created.body.id });
  },
  'DELETE /api/tokens/:id': async (since) => {
    const created = await call(admin.cookie, 'POST', '/api/tokens', { name: 'Short-lived' });
    await call(admin.cookie, 'DELETE', `/api/tokens/${created.body.id}`);
    await expectAudited(since, 'api_token.revoked', { actor: admin.id, targetId: created.body.id });
  },
  // The chat is attributed on its own rows (docs/security.md, "Who did what").
  'POST /api/conversations': async () => {
    made.conversationId = (await call(admin.cookie, 'POST', '/api/conversations', {})).body.id;
    expect(await column('select created_by from conversations where id = $1', [made.conversationId])).toBe(admin.id);
  },
  'POST /api/conversations/:id/messages': async () => {
    const sent = await call(admin.cookie, 'POST', `/api/conversations/${made.conversationId}/messages`, {
      content: 'What can you do for us?',
    });
    expect(await column('select author_user_id from messages where id = $1', [sent.body.message.id])).toBe(admin.id);
  },
  'POST /api/conversations/:id/messages/:messageId/retry': async (since) => {
    // Ivy's message whose turn failed (no reply): Ada asks again.
    const { rows } = await sql.query<{ id: string }>(
      `insert into messages (workspace_id, conversation_id, role, author_user_id, content)
       values ($1, $2, 'user', $3, 'Hello again') returning id`,
      [defaultWorkspace, made.conversationId, invitee.id],
    );
    const messageId = rows[0]!.id;
    await call(admin.cookie, 'POST', `/api/conversations/${made.conversationId}/messages/${messageId}/retry`);
    await expectAudited(since, 'message.retry', { actor: admin.id, targetId: messageId });
  },
  'PATCH /api/conversations/:id': async (since) => {
    await call(admin.cookie, 'PATCH', `/api/conversations/${made.conversationId}`, { title: 'What we can do' });
    await expectAudited(since, 'conversation.rename', { actor: admin.id, targetId: made.conversationId });
  },
  'DELETE /api/conversations/:id': async (since) => {
    const { id } = (await call(admin.cookie, 'POST', '/api/conversations', { title: 'Short-lived' })).body;
    await call(admin.cookie, 'DELETE', `/api/conversations/${id}`);
    await expectAudited(since, 'conversation.delete', { actor: admin.id, targetId: id });
  },
  'POST /api/delegations/:id/rating': async () => {
    const { rows } = await sql.query<{ id: string }>(
      `insert into delegation_history (workspace_id, delegated_by, task, chosen_agent, outcome, completed_at)
       values ($1, 'ceo_orchestrator', 'Explain the leave policy', 'policy_advisor', 'succeeded', now()) returning id`,
      [defaultWorkspace],
    );
    await call(admin.cookie, 'POST', `/api/delegations/${rows[0]!.id}/rating`, { rating: 5 });
    expect(await column('select rated_by from delegation_history where id = $1', [rows[0]!.id])).toBe(admin.id);
  },
  'PUT /api/agents/:name/context': async (since) => {
    const agent = (await call(admin.cookie, 'GET', '/api/agents/technical_writer')).body;
    await call(admin.cookie, 'PUT', '/api/agents/technical_writer/context', {
      contextMd: `${agent.contextMd}\nPrefer short sentences.\n`,
      baseVersion: agent.version,
    });
    await expectAudited(since, 'agent.save_context', { actor: admin.id, targetId: 'technical_writer' });
  },
  'PUT /api/agents/:name/definition': async (since) => {
    const agent = (await call(admin.cookie, 'GET', '/api/agents/technical_writer')).body;
    await call(admin.cookie, 'PUT', '/api/agents/technical_writer/definition', {
      definition: { ...agent.definition, description: `${agent.definition.description} Keeps it short.` },
      baseVersion: agent.version,
    });
    await expectAudited(since, 'agent.save_definition', { actor: admin.id, targetId: 'technical_writer' });
  },
  'POST /api/agents/:name/restore': async (since) => {
    const agent = (await call(admin.cookie, 'GET', '/api/agents/technical_writer')).body;
    await call(admin.cookie, 'POST', '/api/agents/technical_writer/restore', {
      version: 1,
      baseVersion: agent.version,
    });
    await expectAudited(since, 'agent.restore', { actor: admin.id, targetId: 'technical_writer' });
  },
  'POST /api/agents/:name/improvements': async (since) => {
    const proposed = await call(admin.cookie, 'POST', '/api/agents/blog_post_writer/improvements', {
      feedback: 'Keep posts under 800 words.',
    });
    made.improvementId = proposed.body.id;
    made.approvalId = proposed.body.approvalId;
    await expectAudited(since, 'improvement.propose', { actor: admin.id, targetId: made.improvementId });
  },
  'POST /api/approvals/:id/decision': async (since) => {
    await call(admin.cookie, 'POST', `/api/approvals/${made.approvalId}/decision`, { decision: 'approve' });
    await expectAudited(since, 'approval.approve', { actor: admin.id, targetId: made.approvalId });
    await app.app.get(AgentImprovementsService).settled();
  },
  'POST /api/improvements/:id/restore': async (since) => {
    await call(admin.cookie, 'POST', `/api/improvements/${made.improvementId}/restore`);
    await expectAudited(since, 'improvement.restore', { actor: admin.id, targetId: 'blog_post_writer' });
  },
  'POST /api/agents/:name/retire': async (since) => {
    await call(admin.cookie, 'POST', '/api/agents/competitor_analyst/retire', { reason: 'Nobody reads the reports' });
    await expectAudited(since, 'agent.retire', { actor: admin.id, targetId: 'competitor_analyst' });
  },
  'POST /api/agent-builds': async (since) => {
    const started = await call(admin.cookie, 'POST', '/api/agent-builds', {
      request: 'Clean our CRM exports every week',
      template: 'data_transformation',
      department: 'operations',
    });
    made.buildId = started.body.id;
    await expectAudited(since, 'agent_build.start', { actor: admin.id, targetId: made.buildId });
  },
  'POST /api/agent-builds/:id/cancel': async (since) => {
    await call(admin.cookie, 'POST', `/api/agent-builds/${made.buildId}/cancel`);
    await expectAudited(since, 'agent_build.cancel', { actor: admin.id, targetId: made.buildId });
  },
  'POST /api/approvals/bulk-decision': async (since) => {
    const started = await call(admin.cookie, 'POST', '/api/agent-builds', {
      request: 'Reconcile supplier invoices',
      department: 'finance',
    });
    const waiting = await waitFor(
      'the build asking for approval',
      async () => (await call(admin.cookie, 'GET', `/api/agent-builds/${started.body.id}`)).body,
      (b) => b.status === 'awaiting_approval',
    );
    await call(admin.cookie, 'POST', '/api/approvals/bulk-decision', { ids: [waiting.approvalId], decision: 'reject' });
    await expectAudited(since, 'approval.reject', { actor: admin.id, targetId: waiting.approvalId });
    await app.app.get(AgentBuildsService).settled();
  },
  'PUT /api/budgets': async (since) => {
    const budget = await call(admin.cookie, 'PUT', '/api/budgets', {
      scope: 'agent',
      scopeRef: 'recruiter',
      tokenHardLimit: 100_000,
    });
    made.budgetId = budget.body.id;
    await expectAudited(since, 'budget.set', { actor: admin.id, targetId: made.budgetId });
  },
  'DELETE /api/budgets/:id': async (since) => {
    await call(admin.cookie, 'DELETE', `/api/budgets/${made.budgetId}`);
    await expectAudited(since, 'budget.delete', { actor: admin.id, targetId: made.budgetId });
  },
  'POST /api/budgets/circuits/:agent/reset': async (since) => {
    await sql.query(
      `insert into agent_circuits (workspace_id, agent_name, state, consecutive_failures, last_failure_at, opened_at)
       values ($1, 'recruiter', 'open', 3, now(), now())`,
      [defaultWorkspace],
    );
    await call(admin.cookie, 'POST', '/api/budgets/circuits/recruiter/reset');
    await expectAudited(since, 'circuit.reset', { actor: admin.id, targetId: 'recruiter' });
  },
  'POST /api/projects/:id/approve': async (since) => {
    made.projectId = (await projectAwaitingApproval(sql, linearPlan('Handbook', 2))).projectId;
    await call(admin.cookie, 'POST', `/api/projects/${made.projectId}/approve`, { version: 1 });
    await expectAudited(since, 'plan.approve', { actor: admin.id, targetId: made.projectId });
  },
  'POST /api/projects/:id/rollback': async (since) => {
    await waitFor(
      'the handbook',
      () => projectStatus(sql, made.projectId!),
      (s) => s === 'completed',
    );
    const { checkpoints } = (await call(admin.cookie, 'GET', `/api/projects/${made.projectId}/checkpoints`)).body;
    const target = checkpoints.find((c: { completedSteps: string[] }) => c.completedSteps.length === 1);
    await call(admin.cookie, 'POST', `/api/projects/${made.projectId}/rollback`, {
      checkpointId: target.checkpointId,
      mode: 'fork',
    });
    await expectAudited(since, 'project.fork', { actor: admin.id });
  },
  'PUT /api/budgets/projects/:projectId/limits': async (since) => {
    await call(admin.cookie, 'PUT', `/api/budgets/projects/${made.projectId}/limits`, { maxSteps: 50 });
    await expectAudited(since, 'project.set_limits', { actor: admin.id, targetId: made.projectId });
  },
  'POST /api/projects/:id/approvals/approve-remaining': async (since) => {
    const projectId = await projectIn('paused_for_approval', 'Roadshow');
    await call(admin.cookie, 'POST', `/api/projects/${projectId}/approvals/approve-remaining`, { maxRisk: 'medium' });
    await expectAudited(since, 'approval.approve_remaining', { actor: admin.id, targetId: projectId });
  },
  'POST /api/projects/:id/pause': async (since) => {
    made.projectId = await projectIn('running', 'Press kit');
    await call(admin.cookie, 'POST', `/api/projects/${made.projectId}/pause`);
    await expectAudited(since, 'project.pause', { actor: admin.id, targetId: made.projectId });
  },
  'POST /api/projects/:id/resume': async (since) => {
    await call(admin.cookie, 'POST', `/api/projects/${made.projectId}/resume`);
    await expectAudited(since, 'project.resume', { actor: admin.id, targetId: made.projectId });
  },
  'POST /api/projects/:id/cancel': async (since) => {
    const projectId = await projectIn('running', 'Launch event');
    await call(admin.cookie, 'POST', `/api/projects/${projectId}/cancel`);
    await expectAudited(since, 'project.cancel', { actor: admin.id, targetId: projectId });
  },
  'POST /api/projects/:id/abort': async (since) => {
    const projectId = await projectIn('paused_by_user', 'Trade fair');
    await call(admin.cookie, 'POST', `/api/projects/${projectId}/abort`);
    await expectAudited(since, 'project.abort', { actor: admin.id, targetId: projectId });
  },
  'POST /api/projects/:id/steps/:stepKey/recover': async (since) => {
    const projectId = await projectIn('paused_on_error', 'Style guide');
    await sql.query(
      `insert into project_errors (workspace_id, project_id, step_key, category, severity, message)
       values ($1, $2, 's00', 'internal', 'high', 'The step failed')`,
      [defaultWorkspace, projectId],
    );
    await call(admin.cookie, 'POST', `/api/projects/${projectId}/steps/s00/recover`, { action: 'skip' });
    await expectAudited(since, 'step.recover', { actor: admin.id, targetId: 's00' });
  },
  'DELETE /api/members/:userId': async (since) => {
    await call(admin.cookie, 'DELETE', `/api/members/${invitee.id}`);
    await expectAudited(since, 'member.remove', { actor: admin.id, targetId: invitee.id });
  },
};

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { AUTH_MODE: 'authenticated', STEP_BACKOFF_BASE_MS: '1' });
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  defaultWorkspace = (await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!.id;
});
afterAll(async () => {
  await app?.app.get(AgentBuildsService).settled();
  await sql?.end();
  await app?.close();
  await db?.drop();
});

describe('who did what', () => {
  it('should say how every mutating route in docs/security.md is attributed', () => {
    expect(mutatingRoutes.length).toBeGreaterThan(30);
    expect([...mutatingRoutes].sort()).toEqual(Object.keys(scenarios).sort());
  });

  for (const [route, scenario] of Object.entries(scenarios))
    it(`should record the person behind ${route}`, async () => {
      const since = (await sql.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now;
      await scenario(since);
    });

  it('should show each person by name in the audit log', async () => {
    const page = AuditPageSchema.parse((await call(admin.cookie, 'GET', '/api/audit?limit=200')).body);
    const names = new Map(page.entries.filter((e) => e.actorType === 'user').map((e) => [e.actor, e.actorName]));
    expect(Object.fromEntries(names)).toEqual({ [admin.id]: ada.name, [invitee.id]: ivy.name });
  });
});
