import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AgentImprovementSchema,
  RetireAgentResultSchema,
  type AgentImprovement,
  type Message,
} from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentImprovementsService } from '../src/modules/agent-improvements/agent-improvements.service.js';
import { ImprovementTriggersService } from '../src/modules/agent-improvements/improvement-triggers.service.js';
import { ApprovalsRepository } from '../src/modules/approvals/approvals.repository.js';
import { ApprovalsService } from '../src/modules/approvals/approvals.service.js';
import { actingIn, api, connectSocket, copyOfAgents, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let agentsDir: string;
let socket: Socket;
let workspaceId: string;
let improvements: AgentImprovementsService;
let triggers: ImprovementTriggersService;

/** A second blog writer (so retiring it has somewhere to move work) with one capability nobody else has. */
async function addGhostWriter(): Promise<void> {
  const dir = path.join(agentsDir, 'marketing', 'ghost_writer');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'agent.yaml'),
    [
      'name: ghost_writer',
      'title: Ghost Writer',
      'department: marketing',
      'type: context',
      'reportsTo: marketing_manager_orchestrator',
      'description: Writes posts under other names.',
      'capabilities:',
      '  - blog_post_writing',
      '  - ghost_stories',
      'risk:',
      '  default: low',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'Context.md'),
    '# Ghost Writer\n\n## Role\nYou write blog posts published under other people’s names.\n',
  );
}

beforeAll(async () => {
  db = await testDatabase();
  // Improvements write files: always into a copy, never the repository's agents/.
  agentsDir = await copyOfAgents();
  await addGhostWriter();
  app = await startApp(db.url, { AGENTS_DIR: agentsDir });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  socket = await connectSocket(app.baseUrl);
  improvements = app.app.get(AgentImprovementsService);
  triggers = app.app.get(ImprovementTriggersService);
  workspaceId = (await pool.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!.id;
});
afterAll(async () => {
  socket?.close();
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const contextFile = () => readFile(path.join(agentsDir, 'marketing/blog_post_writer/Context.md'), 'utf8');
const detail = async (name: string) =>
  (await api(app.baseUrl, 'GET', `/api/agents/${name}`)).body as { version: number; contextMd: string; status: string };
const improvement = async (id: string) =>
  AgentImprovementSchema.parse((await api(app.baseUrl, 'GET', `/api/improvements/${id}`)).body);
const listFor = async (name: string) =>
  ((await api(app.baseUrl, 'GET', `/api/agents/${name}/improvements`)).body as { improvements: AgentImprovement[] })
    .improvements;
const decide = (approvalId: string, decision: 'approve' | 'reject', notes?: string) =>
  api(app.baseUrl, 'POST', `/api/approvals/${approvalId}/decision`, { decision, notes });

async function say(content: string): Promise<Message> {
  const conversationId = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const res = await api(app.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, { content });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.reply as Message;
}

describe('improving an agent from chat feedback', () => {
  it('should propose, apply on approval with a backup, and restore the previous content in one click', async () => {
    const before = await contextFile();
    const v1 = (await detail('blog_post_writer')).version;
    const updates: AgentImprovement[] = [];
    socket.on('agent_improvement.updated', (i: AgentImprovement) => updates.push(i));

    const reply = await say(
      'The blog post writer keeps making posts way too long. Keep them under 800 words from now on.',
    );
    expect(reply.metadata).toMatchObject({
      intent: 'IMPROVE_AGENT',
      improvementTarget: 'blog_post_writer',
      improvement: { kind: 'proposed' },
    });
    expect(reply.content).toContain('Approve it in the Approvals queue or here.');
    expect(reply.content).toMatch(/```diff[\s\S]*\+- Keep them under 800 words from now on\./);
    const { id, approvalId } = reply.metadata.improvement as { id: string; approvalId: string };

    const proposed = await improvement(id);
    expect(proposed).toMatchObject({
      agentName: 'blog_post_writer',
      triggerType: 'user_feedback',
      status: 'pending_approval',
      baseVersion: v1,
      approvalId,
      newVersion: null,
    });
    expect(proposed.reason).toMatch(/not rewritten by a model/);
    expect((await detail('blog_post_writer')).status).toBe('being_improved');
    const approval = (await api(app.baseUrl, 'GET', `/api/approvals/${approvalId}`)).body;
    expect(approval).toMatchObject({
      kind: 'agent_improvement',
      projectId: null,
      agentName: 'blog_post_writer',
      status: 'pending',
    });
    expect(approval.preview.details.diff).toBe(proposed.diff);
    // Nothing is written before the decision.
    expect(await contextFile()).toBe(before);

    expect((await decide(approvalId, 'approve')).status).toBe(200);
    await improvements.settled();
    const applied = await improvement(id);
    expect(applied).toMatchObject({ status: 'applied', newVersion: v1 + 1 });
    const after = await detail('blog_post_writer');
    expect(after).toMatchObject({ version: v1 + 1, status: 'online' });
    expect(after.contextMd).toBe(proposed.proposedContextMd);
    expect(await contextFile()).toBe(proposed.proposedContextMd);
    const row = (
      await pool.query(`select old_version_backup, approved_by, approved_at from agent_improvements where id = $1`, [
        id,
      ])
    ).rows[0];
    expect(row.old_version_backup).toMatchObject({
      version: v1,
      contextMd: before,
      definition: { name: 'blog_post_writer' },
    });
    expect(row.approved_at).not.toBeNull();
    expect(updates.map((u) => u.status)).toEqual(
      expect.arrayContaining(['proposed', 'pending_approval', 'approved', 'applied']),
    );

    const restored = await api(app.baseUrl, 'POST', `/api/improvements/${id}/restore`);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body).toMatchObject({ status: 'rolled_back', rolledBackAt: expect.any(String) });
    expect(await contextFile()).toBe(before);
    expect(await detail('blog_post_writer')).toMatchObject({ version: v1 + 2, contextMd: before });
    expect((await api(app.baseUrl, 'POST', `/api/improvements/${id}/restore`)).body.error.code).toBe(
      'improvement/not_applied',
    );
  });

  it('should fail without overwriting when the agent was edited before the approval', async () => {
    const res = await api(app.baseUrl, 'POST', '/api/agents/blog_post_writer/improvements', {
      feedback: 'Always end with a question for the reader.',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const proposed = AgentImprovementSchema.parse(res.body);
    expect(proposed).toMatchObject({ triggerType: 'manual', status: 'pending_approval' });
    const second = await api(app.baseUrl, 'POST', '/api/agents/blog_post_writer/improvements', {
      feedback: 'Use British spelling.',
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('improvement/already_open');

    const current = await detail('blog_post_writer');
    const edited = `${current.contextMd}\nEdited by hand.\n`;
    expect(
      (
        await api(app.baseUrl, 'PUT', '/api/agents/blog_post_writer/context', {
          contextMd: edited,
          baseVersion: current.version,
          message: 'hand edit',
        })
      ).status,
    ).toBe(200);
    await decide(proposed.approvalId!, 'approve');
    await improvements.settled();
    const failed = await improvement(proposed.id);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/Nothing was overwritten/);
    expect(await contextFile()).toBe(edited);
    expect((await detail('blog_post_writer')).status).toBe('online');
  });
});

describe('improvement triggers', () => {
  it('should propose from a low rating with a comment and apply nothing when the proposal is rejected', async () => {
    const delegation = await pool.query<{ id: string }>(
      `insert into delegation_history (workspace_id, delegated_by, task, chosen_agent, outcome, completed_at)
       values ($1, 'ceo_orchestrator', 'Write a post about our pricing change', 'blog_post_writer', 'succeeded', now()) returning id`,
      [workspaceId],
    );
    const version = (await detail('blog_post_writer')).version;
    const rated = await api(app.baseUrl, 'POST', `/api/delegations/${delegation.rows[0]!.id}/rating`, {
      rating: 2,
      comment: 'Too formal. Use a friendly, conversational tone.',
    });
    expect(rated.status).toBe(200);
    await triggers.settled();
    const [latest] = await listFor('blog_post_writer');
    expect(latest).toMatchObject({
      triggerType: 'user_feedback',
      status: 'pending_approval',
      triggerDetails: { source: 'rating', rating: 2 },
    });
    expect(latest!.proposedContextMd).toContain('- Use a friendly, conversational tone.');

    // A second low rating while one proposal is open does not open another.
    await api(app.baseUrl, 'POST', `/api/delegations/${delegation.rows[0]!.id}/rating`, {
      rating: 1,
      comment: 'Still too formal.',
    });
    await triggers.settled();
    expect((await listFor('blog_post_writer')).filter((i) => i.status === 'pending_approval')).toHaveLength(1);

    await decide(latest!.approvalId!, 'reject', 'The tone is fine for this audience');
    await improvements.settled();
    expect(await improvement(latest!.id)).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^Rejected by .*: The tone is fine for this audience\./),
    });
    expect((await detail('blog_post_writer')).version).toBe(version);
  });

  it('should propose a project_failure change when a reviewer rejects a step the agent was to run', async () => {
    const project = await pool.query<{ id: string }>(
      `insert into projects (workspace_id, title, status, department) values ($1, 'Launch', 'paused_for_approval', 'marketing') returning id`,
      [workspaceId],
    );
    const approval = await actingIn(workspaceId, app.app.get(ApprovalsService)).request({
      workspaceId,
      projectId: project.rows[0]!.id,
      stepKey: 'write_post',
      threadId: `project:${project.rows[0]!.id}`,
      interruptId: 'write_post:v1:r0',
      agentName: 'competitor_analyst',
      department: 'marketing',
      action: 'run_step',
      riskLevel: 'medium',
      preview: { summary: 'Write the comparison', details: {} },
    });
    await decide(approval.id, 'reject', 'Cite sources from this year only.');
    await triggers.settled();
    const [latest] = await listFor('competitor_analyst');
    expect(latest).toMatchObject({
      triggerType: 'project_failure',
      status: 'pending_approval',
      triggerDetails: { source: 'rejected_approval', approvalId: approval.id },
    });
    expect(latest!.proposedContextMd).toContain('- Cite sources from this year only.');
  });

  it('should propose for an agent whose recent tasks fail too often and only once per cooldown', async () => {
    for (const outcome of ['failed', 'failed', 'succeeded', 'failed', 'succeeded']) {
      await pool.query(
        `insert into delegation_history (workspace_id, delegated_by, task, chosen_agent, outcome, completed_at) values ($1, 'ceo_orchestrator', 'Explain the sick leave policy', 'policy_advisor', $2, now())`,
        [workspaceId, outcome],
      );
    }
    expect(await triggers.checkErrorRates(workspaceId)).toEqual(['policy_advisor']);
    const [latest] = await listFor('policy_advisor');
    expect(latest).toMatchObject({
      triggerType: 'performance_metrics',
      status: 'pending_approval',
      triggerDetails: { failures: 3, tasks: 5 },
    });
    expect(latest!.proposedContextMd).toContain('3 of the last 5 tasks failed');
    expect(await triggers.checkErrorRates(workspaceId)).toEqual([]);
  });
});

describe('recovery', () => {
  it('should carry out a decision taken while the improvement was not listening when the app starts again', async () => {
    const res = await api(app.baseUrl, 'POST', '/api/agents/recruiter/improvements', {
      feedback: 'Always state the salary range in job posts.',
    });
    const proposed = AgentImprovementSchema.parse(res.body);
    const version = (await detail('recruiter')).version;
    // Decided straight in the repository: no listener hears it, as if the process had stopped.
    const owner = (await pool.query<{ id: string }>(`select id from users where email = 'owner@localhost'`)).rows[0]!
      .id;
    await actingIn(workspaceId, app.app.get(ApprovalsRepository)).decide(
      workspaceId,
      proposed.approvalId!,
      'approve',
      null,
      owner,
    );
    expect((await improvement(proposed.id)).status).toBe('pending_approval');
    await improvements.onApplicationBootstrap();
    await improvements.settled();
    expect(await improvement(proposed.id)).toMatchObject({ status: 'applied', newVersion: version + 1 });
  });
});

describe('retiring an agent', () => {
  it('should refuse the top of the organisation and a manager with direct reports', async () => {
    const root = await api(app.baseUrl, 'POST', '/api/agents/ceo_orchestrator/retire', { reason: 'test' });
    expect(root.status).toBe(409);
    expect(root.body.error.code).toBe('agent/cannot_retire');
    const manager = await api(app.baseUrl, 'POST', '/api/agents/marketing_manager_orchestrator/retire', {
      reason: 'test',
    });
    expect(manager.status).toBe(409);
    expect(manager.body.error.message).toMatch(/manages .*blog_post_writer/);
  });

  it('should move pending steps to an agent with the same capability and leave the rest unassigned with a note', async () => {
    const project = await pool.query<{ id: string }>(
      `insert into projects (workspace_id, title, status, department) values ($1, 'Content push', 'running', 'marketing') returning id`,
      [workspaceId],
    );
    const projectId = project.rows[0]!.id;
    const step = (key: string, capability: string, status: string) =>
      pool.query(
        `insert into project_steps (workspace_id, project_id, step_key, name, status, assigned_agent, config) values ($1, $2, $3, $4, $5, 'ghost_writer', $6)`,
        [workspaceId, projectId, key, `Step ${key}`, status, JSON.stringify({ capability })],
      );
    await step('post', 'blog_post_writing', 'pending');
    await step('story', 'ghost_stories', 'pending');
    await step('done', 'blog_post_writing', 'completed');
    // A plan still waiting for approval: its steps are only in plan_json until the run starts.
    const planStep = (id: string, capability: string, extra: Record<string, unknown> = {}) => ({
      id,
      name: `Plan ${id}`,
      description: '',
      type: 'standard',
      department: 'marketing',
      dependsOn: [],
      assignedAgent: 'ghost_writer',
      assignedHuman: null,
      collaboration: null,
      capability,
      riskLevel: 'low',
      estimatedDuration: { value: 2, unit: 'hours' },
      ...extra,
    });
    const plan = {
      title: 'Launch content',
      request: 'Write the launch content',
      template: null,
      department: 'marketing',
      horizon: 'short_term',
      warnings: [],
      criticalPath: { stepIds: ['draft'], totalMinutes: 120, display: { value: 2, unit: 'hours' } },
      steps: [
        planStep('draft', 'blog_post_writing'),
        planStep('team', 'blog_post_writing', {
          type: 'subproject',
          assignedAgent: null,
          steps: [planStep('tale', 'ghost_stories')],
        }),
      ],
    };
    const planned = (
      await pool.query<{ id: string }>(
        `insert into projects (workspace_id, title, status, department, plan_json) values ($1, 'Launch content', 'awaiting_plan_approval', 'marketing', $2) returning id`,
        [workspaceId, JSON.stringify(plan)],
      )
    ).rows[0]!.id;

    const res = await api(app.baseUrl, 'POST', '/api/agents/ghost_writer/retire', {
      reason: 'merged into the blog post writer',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const result = RetireAgentResultSchema.parse(res.body);
    expect(result.agent).toMatchObject({ name: 'ghost_writer', status: 'retired' });
    expect(result.reassigned).toEqual(
      expect.arrayContaining([
        { projectId, stepKey: 'post', to: 'blog_post_writer' },
        { projectId, stepKey: 'story', to: null },
        { projectId: planned, stepKey: 'draft', to: 'blog_post_writer' },
        { projectId: planned, stepKey: 'team/tale', to: null },
      ]),
    );
    expect(result.reassigned).toHaveLength(4);
    const stored = (
      await pool.query<{ plan_json: typeof plan }>('select plan_json from projects where id = $1', [planned])
    ).rows[0]!.plan_json;
    expect(stored.steps[0]!.assignedAgent).toBe('blog_post_writer');
    expect(stored.steps[1]!.steps![0]!.assignedAgent).toBeNull();
    expect(stored.warnings).toEqual([
      expect.stringMatching(/moved from ghost_writer to blog_post_writer/),
      expect.stringMatching(/“Plan tale” has no agent/),
    ]);
    const rows = (
      await pool.query<{ step_key: string; assigned_agent: string | null; note: string | null }>(
        `select step_key, assigned_agent, config->>'reassignment' as note from project_steps where project_id = $1 order by step_key`,
        [projectId],
      )
    ).rows;
    expect(rows).toEqual([
      { step_key: 'done', assigned_agent: 'ghost_writer', note: null },
      {
        step_key: 'post',
        assigned_agent: 'blog_post_writer',
        note: expect.stringMatching(/moved from ghost_writer to blog_post_writer/),
      },
      {
        step_key: 'story',
        assigned_agent: null,
        note: expect.stringMatching(/no other agent has the capability ghost_stories/),
      },
    ]);
    // Files are kept out of the loader's reach; the agent does not come back on reload.
    expect((await stat(path.join(agentsDir, '.retired/marketing/ghost_writer/agent.yaml'))).isFile()).toBe(true);
    await expect(stat(path.join(agentsDir, 'marketing/ghost_writer'))).rejects.toThrow();
    const again = await api(app.baseUrl, 'POST', '/api/agents/ghost_writer/retire', { reason: 'again' });
    expect(again.status).toBe(404);
  });
});
