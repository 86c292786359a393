import { AgentBuildSchema, type Message, type Plan } from '@orchestrator/contracts';
import { ScriptedChatModel } from '@orchestrator/core';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBuildsService } from '../src/modules/agent-builds/agent-builds.service.js';
import { actingIn, api, startApp, testDatabase, type TestApp } from './harness.js';

// A project stopped while the agent build it started is still drafting: the build is cancelled
// with the project, in the stop's transaction, and says nothing more in the conversation.

let db: TestDatabase;
let app: TestApp;
let sql: pg.Client;
let builds: AgentBuildsService;
// The builder's draft takes two seconds (then comes back empty and its repair finds no answer):
// the project is stopped while it waits.
const model = new ScriptedChatModel([{ content: '', delayMs: 2_000 }]);

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(
    db.url,
    { STEP_BACKOFF_BASE_MS: '1' },
    { info: { provider: 'scripted', model: 'slow-builder', offline: false }, chatModel: model },
  );
  builds = app.app.get(AgentBuildsService);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await app?.close();
  await db?.drop();
});

const plan: Plan = {
  title: 'Launch in Germany',
  request: 'Plan the launch of our product in Germany',
  template: null,
  department: 'marketing',
  horizon: 'short_term',
  steps: [
    {
      id: 'localize',
      name: 'Build a localization specialist',
      description: 'Build the agent that localizes the launch material into German.',
      type: 'build_agent',
      department: 'marketing',
      dependsOn: [],
      assignedAgent: null,
      assignedHuman: null,
      collaboration: null,
      capability: 'localization',
      riskLevel: 'high',
      estimatedDuration: { value: 1, unit: 'hours' },
    },
  ],
  criticalPath: { stepIds: [], totalMinutes: 60, display: { value: 1, unit: 'hours' } },
  warnings: [],
};

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A project waiting for the agent its step is building, with the conversation it was planned in. */
async function waitingProject(): Promise<{ workspaceId: string; projectId: string; conversationId: string }> {
  const workspaceId = (await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!.id;
  const conversationId = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const { rows } = await sql.query<{ id: string }>(
    `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, conversation_id)
     values ($1, $2, 'paused_for_agent_development', $3, 1, 'marketing', $4) returning id`,
    [workspaceId, plan.title, JSON.stringify(plan), conversationId],
  );
  const projectId = rows[0]!.id;
  await sql.query(
    `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'test')`,
    [workspaceId, projectId, JSON.stringify(plan)],
  );
  return { workspaceId, projectId, conversationId };
}

describe('stopping a project whose agent build is in progress', () => {
  it('should cancel the build with the project, with the reason, and post nothing from it afterwards', async () => {
    const { workspaceId, projectId, conversationId } = await waitingProject();
    // What the project's build_agent step does (the execution graph's port).
    const started = await actingIn(workspaceId, builds).ensureForStep(
      { workspaceId, projectId },
      {
        stepKey: 'localize',
        name: 'Build a localization specialist',
        description: 'Localizes the launch material into German.',
        capability: 'localization',
        department: 'marketing',
        request: plan.request,
      },
    );
    await until(() => model.prompts.length === 1, 'the builder to ask the model for its draft');
    const buildOf = async () =>
      AgentBuildSchema.parse((await api(app.baseUrl, 'GET', `/api/agent-builds/${started.id}`)).body);
    expect((await buildOf()).status).toBe('drafting');

    const aborted = await api(app.baseUrl, 'POST', `/api/projects/${projectId}/abort`, { reason: 'Launch postponed' });
    expect(aborted.status).toBe(200);
    expect(aborted.body.status).toBe('aborted');
    // Cancelled with the project's stop, not later.
    expect(await buildOf()).toMatchObject({
      status: 'cancelled',
      error: 'The project was aborted: Launch postponed',
    });

    // The draft comes back after the stop: the build goes no further.
    await until(() => model.prompts.length >= 2, 'the draft to come back');
    await builds.settled();
    expect(await buildOf()).toMatchObject({ status: 'cancelled', validation: null, approvalId: null });
    const pending = (await api(app.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${projectId}`)).body
      .approvals as unknown[];
    expect(pending).toEqual([]);

    // Its one message since the stop says it was cancelled, and why; nothing came after it.
    const said = (
      (await api(app.baseUrl, 'GET', `/api/conversations/${conversationId}/messages`)).body.messages as Message[]
    ).filter((m) => m.metadata.agentBuildRef === started.id);
    expect(said.map((m) => m.content)).toEqual([
      expect.stringMatching(/^The build of .* was cancelled: The project was aborted: Launch postponed\.$/),
    ]);

    // Audited as cancelled by the person who stopped the project, with the reason.
    const { rows: audit } = await sql.query<{ actor_type: string; details: { reason: string } }>(
      `select actor_type, details from audit_log where action = 'agent_build.cancel' and target_id = $1`,
      [started.id],
    );
    expect(audit).toEqual([
      { actor_type: 'user', details: expect.objectContaining({ reason: 'The project was aborted: Launch postponed' }) },
    ]);
  });
});
