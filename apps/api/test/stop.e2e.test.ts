import type { Plan, ProjectStep } from '@orchestrator/contracts';
import { ScriptedChatModel } from '@orchestrator/core';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

// Stopping a run interrupts the step it is running: the LLM call is aborted at once instead of
// running (and spending) to its end, and nothing of the step is recorded as failed; unfinished
// steps are cancelled. Pausing lets the step in progress finish, starts nothing new, and the
// project goes on from there when it resumes.

let db: TestDatabase;
let app: TestApp;
let sql: pg.Client;
let socket: Socket;
// The cancelled project's first model call would take a minute; the paused one's 1.5 s. The
// paused project's second step may start (and be interrupted) before the pause is seen, so its
// answer is there twice.
const model = new ScriptedChatModel([
  { content: 'A post that never arrives', delayMs: 60_000 },
  { content: 'The draft of the post', delayMs: 1_500 },
  'The post is published',
  'The post is published',
]);

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(
    db.url,
    { STEP_BACKOFF_BASE_MS: '1' },
    { info: { provider: 'scripted', model: 'slow', offline: false }, chatModel: model },
  );
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

const plan: Plan = {
  title: 'Launch post',
  request: 'Write the launch post',
  template: null,
  department: 'marketing',
  horizon: 'short_term',
  steps: ['draft', 'publish'].map((id, i) => ({
    id,
    name: `${id} the post`,
    description: `${id} the launch post.`,
    type: 'standard' as const,
    department: 'marketing',
    dependsOn: i === 0 ? [] : ['draft'],
    assignedAgent: 'blog_post_writer',
    assignedHuman: null,
    collaboration: null,
    capability: null,
    riskLevel: 'low' as const,
    estimatedDuration: { value: 1, unit: 'hours' as const },
  })),
  criticalPath: { stepIds: [], totalMinutes: 120, display: { value: 2, unit: 'hours' } },
  warnings: [],
};

const steps = async (id: string) =>
  (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
const statusOf = async (id: string) =>
  ((await api(app.baseUrl, 'GET', `/api/projects/${id}`)).body as { status: string }).status;

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An approved, autonomous two-step project; resolves once its first step asks the model. */
async function startProject(prompts: number): Promise<{ id: string; seen: string[] }> {
  const workspaceId = (await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!.id;
  const { rows } = await sql.query<{ id: string }>(
    `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, autonomy_level) values ($1, $2, 'awaiting_plan_approval', $3, 1, 'marketing', 'autonomous') returning id`,
    [workspaceId, plan.title, JSON.stringify(plan)],
  );
  const id = rows[0]!.id;
  await sql.query(
    `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'test')`,
    [workspaceId, id, JSON.stringify(plan)],
  );
  const seen: string[] = [];
  socket.on(
    'step.updated',
    (e: { projectId: string; step: ProjectStep }) =>
      e.projectId === id && seen.push(`${e.step.stepKey}:${e.step.status}`),
  );
  expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version: 1 })).status).toBe(200);
  await until(() => model.prompts.length === prompts, 'the first step to ask the model');
  return { id, seen };
}

describe('stopping a run', () => {
  it('should interrupt the running step at once on cancel, cancel what had not finished and record no failure', async () => {
    const { id, seen } = await startProject(1);

    const started = Date.now();
    const cancelled = await api(app.baseUrl, 'POST', `/api/projects/${id}/cancel`, { reason: 'Not needed any more' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5_000);

    // Past the delay after which a running status is written: it must not reopen the step.
    await new Promise((r) => setTimeout(r, 600));
    expect((await steps(id)).map((s) => [s.stepKey, s.status])).toEqual([
      ['draft', 'cancelled'],
      ['publish', 'cancelled'],
    ]);
    expect(seen).toEqual(expect.arrayContaining(['draft:cancelled', 'publish:cancelled']));
    const errors = await sql.query('select category, message from project_errors where project_id = $1', [id]);
    expect(errors.rows).toEqual([]);
    const audit = await sql.query(`select 1 from audit_log where project_id = $1 and action = 'step.execute'`, [id]);
    expect(audit.rowCount).toBe(0);
    // The model was asked once: the aborted step was neither retried nor given to another agent.
    expect(model.prompts).toHaveLength(1);
    expect(await statusOf(id)).toBe('aborted');
  });

  it('should let the step in progress finish on pause, start nothing new, and go on when resumed', async () => {
    const { id } = await startProject(2);
    const paused = await api(app.baseUrl, 'POST', `/api/projects/${id}/pause`, { reason: 'Hold on' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused_by_user');
    await until(async () => (await steps(id))[0]!.status === 'completed', 'the step in progress to finish');
    // Well past the next batch and the delay of a running status: nothing else runs.
    await new Promise((r) => setTimeout(r, 800));
    expect((await steps(id)).map((s) => s.status)).toEqual(['completed', 'pending']);
    expect(await statusOf(id)).toBe('paused_by_user');
    expect((await sql.query('select 1 from project_errors where project_id = $1', [id])).rowCount).toBe(0);

    expect((await api(app.baseUrl, 'POST', `/api/projects/${id}/resume`, {})).status).toBe(200);
    await until(async () => (await statusOf(id)) === 'completed', 'the resumed project to complete');
    const done = await steps(id);
    expect(done.map((s) => s.status)).toEqual(['completed', 'completed']);
    expect(done[0]!.resultPreview).toContain('The draft of the post');
    expect(done[1]!.resultPreview).toContain('The post is published');
    expect(
      (await sql.query(`select 1 from audit_log where project_id = $1 and action = 'step.execute'`, [id])).rowCount,
    ).toBe(2);
  });
});
