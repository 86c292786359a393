import type { Message, MessageList, Plan } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectReportsRepository } from '../src/modules/conversations/project-reports.repository.js';
import { ProjectReporter } from '../src/modules/execution/project-reporter.js';
import { actingIn, api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';
import { approveProject, linearPlan, projectAwaitingApproval, projectStatus } from './linear-project.js';

// A project planned in a conversation reports back there when it ends: outcome, outputs linked
// to their results, duration and cost. One stored message, written with the end of the project,
// published like any other message, never written twice.

let db: TestDatabase;
let app: TestApp;
let sql: pg.Client;
let socket: Socket;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { STEP_BACKOFF_BASE_MS: '1' });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  socket = await connectSocket(app.baseUrl);
});
afterAll(async () => {
  socket?.disconnect();
  await sql?.end();
  await app?.close();
  await db?.drop();
});

/** A conversation the socket has joined, and a project planned in it (awaiting approval). */
async function projectInConversation(plan: Plan) {
  const created = await api(app.baseUrl, 'POST', '/api/conversations', { title: plan.title });
  expect(created.status).toBe(201);
  const conversationId = (created.body as { id: string }).id;
  const joined = await socket.timeout(5000).emitWithAck('conversation.join', { conversationId });
  expect(joined).toMatchObject({ ok: true });
  const { workspaceId, projectId } = await projectAwaitingApproval(sql, plan);
  await sql.query('update projects set conversation_id = $2 where id = $1', [projectId, conversationId]);
  return { workspaceId, projectId, conversationId };
}

const reportsIn = async (conversationId: string): Promise<Message[]> =>
  (
    (await api(app.baseUrl, 'GET', `/api/conversations/${conversationId}/messages`)).body as MessageList
  ).messages.filter((m) => m.metadata.projectReport);

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('project report in the conversation', () => {
  it('should post one report with outcome, linked outputs, duration and cost when a project completes', async () => {
    const { workspaceId, projectId, conversationId } = await projectInConversation(linearPlan('Handbook', 3));
    const published: Message[] = [];
    socket.on('message.created', (m: Message) => {
      if (m.metadata.projectReport) published.push(m);
    });

    await approveProject(app.baseUrl, projectId);
    await until(async () => (await projectStatus(sql, projectId)) === 'completed', 'the project to complete');
    await until(async () => published.length > 0, 'the report over the socket', 5_000);

    const reports = await reportsIn(conversationId);
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report!.metadata).toMatchObject({
      intent: 'PROJECT_REPORT',
      projectReport: { projectId, status: 'completed' },
    });
    expect(report!.role).toBe('assistant');
    expect(report!.content).toMatch(
      /^\*\*Handbook\*\* is complete: 3 of 3 steps done in (under a minute|\d+ minutes?); no LLM calls, so no model cost\./,
    );
    for (const key of ['s00', 's01', 's02']) expect(report!.content).toContain(`(/projects/${projectId}?step=${key})`);
    expect(report!.content).toContain(`[Open the project](/projects/${projectId})`);
    expect(published.map((m) => m.id)).toEqual([report!.id]);

    // Written again (a retried transaction, another path ending it): nothing new.
    const reporter = actingIn(workspaceId, app.app.get(ProjectReporter));
    expect(await reporter.writeIn(sql, workspaceId, projectId)).toBeNull();
    expect(await reportsIn(conversationId)).toHaveLength(1);
    const reports$ = actingIn(workspaceId, app.app.get(ProjectReportsRepository));
    expect((await reports$.find(workspaceId, projectId))?.id).toBe(report!.id);
  });

  it('should report a cancelled project once, with how far it got and why', async () => {
    const plan = linearPlan('Press kit', 2);
    plan.steps[1] = {
      ...plan.steps[1]!,
      name: 'Sign off the press kit',
      type: 'human_approval',
      assignedAgent: null,
      collaboration: 'approval',
    };
    const { projectId, conversationId } = await projectInConversation(plan);
    await approveProject(app.baseUrl, projectId);
    await until(async () => (await projectStatus(sql, projectId)) === 'paused_for_approval', 'the approval pause');
    expect(await reportsIn(conversationId)).toHaveLength(0);

    const cancelled = await api(app.baseUrl, 'POST', `/api/projects/${projectId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    const reports = await reportsIn(conversationId);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.metadata.projectReport).toEqual({ projectId, status: 'aborted' });
    expect(reports[0]!.content).toMatch(/^\*\*Press kit\*\* was stopped: 1 of 2 steps done/);
    expect(reports[0]!.content).toContain('Why: Cancelled by a person');
    expect(reports[0]!.content).toContain(`(/projects/${projectId}?step=s00)`);
  });

  it('should not report a project that was not planned in a conversation', async () => {
    const { workspaceId, projectId } = await projectAwaitingApproval(sql, linearPlan('Standalone', 1));
    await approveProject(app.baseUrl, projectId);
    await until(async () => (await projectStatus(sql, projectId)) === 'completed', 'the project to complete');
    const reports$ = actingIn(workspaceId, app.app.get(ProjectReportsRepository));
    expect(await reports$.find(workspaceId, projectId)).toBeUndefined();
  });
});
