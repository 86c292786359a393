import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  AgentBuildSchema,
  type AgentBuild,
  type Approval,
  type Message,
  type ProjectDetail,
  type ProjectStep,
} from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBuildsService } from '../src/modules/agent-builds/agent-builds.service.js';
import { AgentRegistryService } from '../src/modules/agents/agent-registry.service.js';
import { api, copyOfAgents, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let agentsDir: string;
let builds: AgentBuildsService;
let pool: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  // Builds write files: always into a copy, never the repository's agents/.
  agentsDir = await copyOfAgents();
  app = await startApp(db.url, { AGENTS_DIR: agentsDir, AGENTS_WATCH: 'false', STEP_BACKOFF_BASE_MS: '1' });
  builds = app.app.get(AgentBuildsService);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const getBuild = async (id: string) =>
  AgentBuildSchema.parse((await api(app.baseUrl, 'GET', `/api/agent-builds/${id}`)).body);

async function waitForBuild(id: string, until: (b: AgentBuild) => boolean, timeoutMs = 20_000): Promise<AgentBuild> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const b = await getBuild(id);
    if (until(b)) return b;
    if (Date.now() > end) throw new Error(`build ${id} is still ${b.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function chat(content: string): Promise<{ conversationId: string; reply: Message }> {
  const conversationId = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const reply = (await api(app.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, { content })).body
    .reply as Message;
  return { conversationId, reply };
}

const messages = async (conversationId: string) =>
  (await api(app.baseUrl, 'GET', `/api/conversations/${conversationId}/messages`)).body.messages as Message[];
const decide = (id: string, decision: 'approve' | 'reject', notes?: string) =>
  api(app.baseUrl, 'POST', `/api/approvals/${id}/decision`, { decision, notes });

describe('building agents from the chat', () => {
  it('should draft, validate, ask for approval and deploy a legal contract reviewer into the org chart when approved', async () => {
    const { conversationId, reply } = await chat('We need an agent that reviews vendor contracts for legal risk');
    expect(reply.metadata.intent).toBe('BUILD_AGENT');
    const buildId = reply.metadata.agentBuildId as string;
    expect(reply.content).toMatch(/legal_contract_reviewer/);
    const waiting = await waitForBuild(buildId, (b) => b.status !== 'drafting' && b.status !== 'validating');
    expect(waiting).toMatchObject({ status: 'awaiting_approval', error: null });
    expect(waiting.draft!.definition).toMatchObject({
      name: 'legal_contract_reviewer',
      department: 'legal',
      reportsTo: 'ceo_orchestrator',
    });
    expect(waiting.validation!.passed).toBe(true);
    expect(waiting.validation!.summary).toMatch(/offline drafts/);

    const approval = (await api(app.baseUrl, 'GET', `/api/approvals/${waiting.approvalId}`)).body as Approval;
    expect(approval).toMatchObject({
      kind: 'agent_creation',
      status: 'pending',
      riskLevel: 'high',
      projectId: null,
      agentName: 'legal_contract_reviewer',
    });
    expect((approval.preview.details.files as Record<string, string>)['Context.md']).toContain('## Escalation');
    const built = (await messages(conversationId)).filter((m) => m.metadata.agentBuildRef === buildId);
    // The first reply carries the live card; the progress messages are text.
    expect(built.every((m) => m.metadata.agentBuildId === undefined)).toBe(true);
    const progress = built.map((m) => m.content);
    // Drafted offline: said once, in the notice the draft's message opens with (the chat shows it as
    // the banner, with no badge), not again in its text or as a bullet.
    const drafted = built.find((m) => m.metadata.agentBuildStatus === 'validating')!;
    expect(drafted.metadata).toMatchObject({ offline: true, offlineDraft: true });
    expect(drafted.content).toMatch(
      /^\*\*Offline draft\*\* — no language model is configured, so .* was drafted from the department specialist template/,
    );
    expect(drafted.content.match(/offline/gi)).toHaveLength(1);
    expect(drafted.content).not.toMatch(/^- /m);
    expect(progress.some((c) => c.includes(waiting.approvalId!))).toBe(true);
    expect(
      (await api(app.baseUrl, 'GET', '/api/agents')).body.agents.some(
        (a: { name: string }) => a.name === 'legal_contract_reviewer',
      ),
    ).toBe(false);

    expect((await decide(waiting.approvalId!, 'approve')).status).toBe(200);
    const deployed = await waitForBuild(buildId, (b) => b.status === 'deployed' || b.status === 'failed');
    expect(deployed).toMatchObject({ status: 'deployed', error: null });
    expect(await readFile(path.join(agentsDir, 'legal/legal_contract_reviewer/Context.md'), 'utf8')).toBe(
      waiting.draft!.contextMd,
    );
    expect((await stat(path.join(agentsDir, 'legal/legal_contract_reviewer/agent.yaml'))).isFile()).toBe(true);
    expect(app.app.get(AgentRegistryService).current().get('legal_contract_reviewer')?.definition.reportsTo).toBe(
      'ceo_orchestrator',
    );
    const listed = (await api(app.baseUrl, 'GET', '/api/agents')).body.agents.find(
      (a: { name: string }) => a.name === 'legal_contract_reviewer',
    );
    expect(listed).toMatchObject({ department: 'legal', reportsTo: 'ceo_orchestrator' });
    await builds.settled();
    const last = (await messages(conversationId)).at(-1)!;
    expect(last.content).toMatch(/is deployed/);
    // A decision is taken once.
    expect((await decide(waiting.approvalId!, 'approve')).status).toBe(409);
  });

  it('should deploy nothing and say so in the chat when the build is rejected', async () => {
    const { conversationId, reply } = await chat('We need an agent that audits our trademarks for legal risk');
    const buildId = reply.metadata.agentBuildId as string;
    const waiting = await waitForBuild(buildId, (b) => b.status === 'awaiting_approval');
    const name = waiting.draft!.definition.name;
    expect((await decide(waiting.approvalId!, 'reject', 'Outside counsel handles trademarks')).status).toBe(200);
    const rejected = await waitForBuild(buildId, (b) => b.status === 'rejected');
    expect(rejected.error).toMatch(/Outside counsel handles trademarks/);
    await builds.settled();
    expect((await messages(conversationId)).at(-1)!.content).toMatch(/was not deployed.*Outside counsel/s);
    await expect(stat(path.join(agentsDir, waiting.draft!.definition.department, name))).rejects.toThrow();
    expect(app.app.get(AgentRegistryService).current().get(name)).toBeUndefined();
  });

  it('should list templates and builds, start one from the wizard and cancel it', async () => {
    const templates = (await api(app.baseUrl, 'GET', '/api/agent-templates')).body.templates as Array<{ id: string }>;
    expect(templates.map((t) => t.id)).toContain('data_transformation');
    const bad = await api(app.baseUrl, 'POST', '/api/agent-builds', { request: 'x' });
    expect(bad.status).toBe(400);
    const unknownBoss = await api(app.baseUrl, 'POST', '/api/agent-builds', {
      request: 'Clean our CRM exports',
      reportsTo: 'nobody_at_all',
    });
    expect(unknownBoss.status).toBe(400);
    const created = await api(app.baseUrl, 'POST', '/api/agent-builds', {
      request: 'Clean our CRM exports every week',
      template: 'data_transformation',
      department: 'operations',
    });
    expect(created.status).toBe(201);
    const build = AgentBuildSchema.parse(created.body);
    const waiting = await waitForBuild(build.id, (b) => b.status === 'awaiting_approval');
    expect(waiting.draft!.moduleSource).toContain('export default agent');
    expect(waiting.validation!.checks.find((c) => c.name === 'index.ts compiles')?.passed).toBe(true);
    const cancelled = await api(app.baseUrl, 'POST', `/api/agent-builds/${build.id}/cancel`, {});
    expect(cancelled.body.status).toBe('cancelled');
    expect(((await api(app.baseUrl, 'GET', `/api/approvals/${waiting.approvalId}`)).body as Approval).status).toBe(
      'cancelled',
    );
    expect((await api(app.baseUrl, 'POST', `/api/agent-builds/${build.id}/cancel`, {})).status).toBe(409);
    const page = (await api(app.baseUrl, 'GET', '/api/agent-builds?limit=2')).body as {
      builds: AgentBuild[];
      nextCursor: string | null;
    };
    expect(page.builds).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const next = (await api(app.baseUrl, 'GET', `/api/agent-builds?limit=2&cursor=${page.nextCursor}`)).body as {
      builds: AgentBuild[];
    };
    expect(next.builds.length).toBeGreaterThan(0);
    expect((await api(app.baseUrl, 'GET', '/api/agent-builds/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('should give one of several concurrent builds of the same name the name and the others a 409', async () => {
    const body = { request: 'Reconcile supplier invoices', name: 'invoice_reconciler', department: 'finance' };
    // Warm: the first build of a process loads what it needs while the others of the burst wait.
    const warm = AgentBuildSchema.parse(
      (await api(app.baseUrl, 'POST', '/api/agent-builds', { ...body, name: 'warm_up_agent' })).body,
    );
    await api(app.baseUrl, 'POST', `/api/agent-builds/${warm.id}/cancel`, {});
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api(app.baseUrl, 'POST', '/api/agent-builds', body)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array<number>(9).fill(409)]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body.error.code).toBe('agent/exists');
      expect(refused.body.error.message).toMatch(/already uses the name invoice_reconciler; choose another name/);
    }
    const won = AgentBuildSchema.parse(answers.find((a) => a.status === 201)!.body);
    expect((await api(app.baseUrl, 'POST', `/api/agent-builds/${won.id}/cancel`, {})).status).toBe(200);
  });

  it('should give concurrent builds that leave the name to the builder a name each', async () => {
    const body = { request: 'Summarise customer churn interviews every month', department: 'operations' };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => api(app.baseUrl, 'POST', '/api/agent-builds', body)),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    const started = answers.map((a) => AgentBuildSchema.parse(a.body));
    const names = await Promise.all(
      started.map(async (b) => (await waitForBuild(b.id, (x) => !!x.draft)).draft!.definition.name),
    );
    expect(new Set(names).size).toBe(4);
    for (const b of started) await api(app.baseUrl, 'POST', `/api/agent-builds/${b.id}/cancel`, {});
  });
});

describe('build_agent plan steps', () => {
  const detail = async (id: string) => (await api(app.baseUrl, 'GET', `/api/projects/${id}`)).body as ProjectDetail;
  async function settle(id: string): Promise<ProjectDetail> {
    const end = Date.now() + 30_000;
    for (;;) {
      const d = await detail(id);
      if (d.status !== 'running') return d;
      if (Date.now() > end) throw new Error(`project ${id} still running`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // Runs before the next test, which deploys the localization agent the Germany plan lacks.
  it('should cancel the build and deploy nothing when the project that needed it is aborted', async () => {
    const { reply } = await chat('Plan the launch of our product in Germany next quarter');
    const project = reply.metadata.project as { id: string; version: number };
    expect(
      (await api(app.baseUrl, 'POST', `/api/projects/${project.id}/approve`, { version: project.version })).status,
    ).toBe(200);
    let d = await settle(project.id);
    let waiting: Approval | undefined;
    for (let round = 0; round < 80 && !waiting; round++) {
      const pending = (await api(app.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${project.id}`)).body
        .approvals as Approval[];
      waiting =
        d.status === 'paused_for_agent_development' ? pending.find((a) => a.kind === 'agent_creation') : undefined;
      if (waiting) break;
      const steps = pending.filter((a) => a.kind === 'action');
      for (const a of steps) expect((await decide(a.id, 'approve')).status).toBe(200);
      if (steps.length === 0) await new Promise((r) => setTimeout(r, 100));
      await builds.settled();
      d = await settle(project.id);
    }
    expect(waiting).toBeDefined();
    const buildId = (
      await pool.query<{ id: string }>('select id from agent_builds where approval_id = $1', [waiting!.id])
    ).rows[0]!.id;
    expect(
      (await api(app.baseUrl, 'POST', `/api/projects/${project.id}/abort`, { reason: 'Launch postponed' })).status,
    ).toBe(200);
    await builds.settled();
    expect(await getBuild(buildId)).toMatchObject({
      status: 'cancelled',
      error: 'The project was aborted: Launch postponed',
    });
    expect((await api(app.baseUrl, 'GET', `/api/approvals/${waiting!.id}`)).body).toMatchObject({
      status: 'cancelled',
    });
    expect(app.app.get(AgentRegistryService).current().get('localization_specialist')).toBeUndefined();
  });

  it('should pause for agent development, resume once the built agent is approved, and finish on it', async () => {
    const { conversationId, reply } = await chat('Plan the launch of our product in Germany next quarter');
    const project = reply.metadata.project as { id: string; version: number };
    expect(
      (await api(app.baseUrl, 'POST', `/api/projects/${project.id}/approve`, { version: project.version })).status,
    ).toBe(200);
    let d = await settle(project.id);
    let agentApprovals = 0;
    for (let round = 0; round < 80 && d.status !== 'completed'; round++) {
      if (d.status === 'paused_on_error')
        throw new Error(
          `unexpected failure: ${JSON.stringify((await api(app.baseUrl, 'GET', `/api/projects/${project.id}/errors`)).body)}`,
        );
      const pending = (await api(app.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${project.id}`)).body
        .approvals as Approval[];
      // Step approvals first; the agent is approved only once the project waits for nothing else.
      const steps = pending.filter((a) => a.kind === 'action');
      const agents =
        d.status === 'paused_for_agent_development' ? pending.filter((a) => a.kind === 'agent_creation') : [];
      for (const a of steps.length > 0 ? steps : agents) expect((await decide(a.id, 'approve')).status).toBe(200);
      agentApprovals += steps.length > 0 ? 0 : agents.length;
      if (steps.length === 0 && agents.length === 0) await new Promise((r) => setTimeout(r, 100)); // the build is still drafting
      await builds.settled();
      d = await settle(project.id);
    }
    expect(d.status).toBe('completed');
    expect(agentApprovals).toBe(1);
    const transitions = (
      await pool.query<{ to_status: string; reason: string }>(
        'select to_status, reason from project_status_transitions where project_id = $1 order by created_at',
        [project.id],
      )
    ).rows;
    const paused = transitions.find((t) => t.to_status === 'paused_for_agent_development');
    expect(paused?.reason).toMatch(/needs a new agent \(localization\)/);
    const steps = (await api(app.baseUrl, 'GET', `/api/projects/${project.id}/steps`)).body.steps as ProjectStep[];
    const build = steps.find((s) => s.type === 'build_agent')!;
    expect(build.status).toBe('completed');
    expect(build.resultPreview).toMatch(/deployed .*localization_specialist/);
    const localized = steps.filter((s) => s.stepKey.includes('locali') && s.type === 'standard');
    expect(localized.length).toBeGreaterThan(0);
    for (const s of localized)
      expect(s).toMatchObject({ status: 'completed', assignedAgent: 'localization_specialist' });
    expect(app.app.get(AgentRegistryService).current().get('localization_specialist')?.definition.reportsTo).toBe(
      'cmo_orchestrator',
    );
    // The conversation that planned the project follows the build: one card (with the approval request), then the outcome.
    const conv = await messages(conversationId);
    expect(conv.filter((m) => m.metadata.agentBuildId).map((m) => m.metadata.agentBuildStatus)).toEqual([
      'awaiting_approval',
    ]);
    expect(conv.some((m) => m.metadata.agentBuildRef && /localization_specialist.*is deployed/s.test(m.content))).toBe(
      true,
    );
  });
});

describe('durability', () => {
  it('should continue a build that was drafting and carry out a decision taken while the API was down', async () => {
    const { reply } = await chat('We need an agent that reviews NDAs for legal risk');
    const decidedId = reply.metadata.agentBuildId as string;
    const waiting = await waitForBuild(decidedId, (b) => b.status === 'awaiting_approval');
    const name = waiting.draft!.definition.name;
    // A build that never got past drafting (its process died) and a decision nobody carried out.
    const drafting = (
      await pool.query<{ id: string }>(
        `insert into agent_builds (workspace_id, request, template, capability, spec, agent_name, created_by_name)
         select workspace_id, request, template, capability, jsonb_set(spec, '{name}', '"legal_restart_reviewer"'), 'legal_restart_reviewer', 'test' from agent_builds where id = $1
         returning id`,
        [decidedId],
      )
    ).rows[0]!.id;
    await builds.settled();
    await app.close();
    await pool.query(
      `update pending_approvals set status = 'approved', decided_at = now(), decision_notes = 'approved while down' where id = $1`,
      [waiting.approvalId],
    );

    app = await startApp(db.url, { AGENTS_DIR: agentsDir, AGENTS_WATCH: 'false', STEP_BACKOFF_BASE_MS: '1' });
    builds = app.app.get(AgentBuildsService);
    expect(await waitForBuild(decidedId, (b) => b.status === 'deployed' || b.status === 'failed')).toMatchObject({
      status: 'deployed',
      error: null,
    });
    expect(app.app.get(AgentRegistryService).current().get(name)).toBeDefined();
    const resumed = await waitForBuild(drafting, (b) => b.status !== 'drafting' && b.status !== 'validating');
    expect(resumed).toMatchObject({ status: 'awaiting_approval', error: null });
    expect(resumed.draft!.definition.name).toBe('legal_restart_reviewer');
  });
});
