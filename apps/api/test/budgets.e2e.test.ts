import {
  BudgetListSchema,
  BudgetSchema,
  UsageCallListSchema,
  UsageReportSchema,
  type Message,
  type ProjectDetail,
  type ProjectError,
  type ProjectStep,
} from '@orchestrator/contracts';
import { afterFailure, closedCircuit, flattenPlan } from '@orchestrator/core';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetsRepository } from '../src/modules/budgets/budgets.repository.js';
import { UsageRepository } from '../src/modules/budgets/usage.repository.js';
import { actingIn, api, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let workspaceId: string;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, {
    STEP_BACKOFF_BASE_MS: '1',
    CIRCUIT_FAILURE_THRESHOLD: '2',
    LLM_PRICES: '{"gpt-test":{"input":1,"output":3}}',
  });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  workspaceId = (await pool.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!.id;
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

async function planFor(request: string): Promise<{ id: string; version: number }> {
  const conv = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const res = await api(app.baseUrl, 'POST', `/api/conversations/${conv}/messages`, { content: request });
  const project = (res.body.reply as Message | undefined)?.metadata.project as
    { id: string; version: number } | undefined;
  if (!project) throw new Error(`no plan in the reply: ${JSON.stringify(res.body).slice(0, 500)}`);
  return project;
}

const detail = async (id: string) => (await api(app.baseUrl, 'GET', `/api/projects/${id}`)).body as ProjectDetail;

async function settle(id: string, timeoutMs = 30_000): Promise<ProjectDetail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await detail(id);
    if (d.status !== 'running') return d;
    if (Date.now() > until) throw new Error(`project ${id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Approves every gate until the project completes or stops on an error. */
async function runUntilErrorOrDone(id: string): Promise<ProjectDetail> {
  let d = await settle(id);
  for (let round = 0; round < 40 && d.status === 'paused_for_approval'; round++) {
    const pending = (await api(app.baseUrl, 'GET', `/api/approvals?status=pending&projectId=${id}`)).body
      .approvals as Array<{ id: string }>;
    for (const a of pending) await api(app.baseUrl, 'POST', `/api/approvals/${a.id}/decision`, { decision: 'approve' });
    d = await settle(id);
  }
  return d;
}

const statusReason = async (id: string) =>
  (await pool.query<{ status_reason: string | null }>('select status_reason from projects where id = $1', [id]))
    .rows[0]!.status_reason;

const errorsOf = async (id: string) =>
  (await api(app.baseUrl, 'GET', `/api/projects/${id}/errors`)).body.errors as ProjectError[];

/** Usage a step would have recorded: the test stands in for LLM calls the offline model does not make. */
async function spend(projectId: string, tokens: number): Promise<void> {
  await pool.query(
    `insert into llm_calls (workspace_id, project_id, step_id, agent_name, provider, model, prompt_tokens, completion_tokens, total_tokens, cost_usd)
     values ($1, $2, 'earlier', 'recruiter', 'openai', 'gpt-test', $3, 0, $3, 0)`,
    [workspaceId, projectId, tokens],
  );
}

describe('budgets', () => {
  it('should reject a budget with no limit, a soft limit above the hard one, or an unknown scope', async () => {
    const none = await api(app.baseUrl, 'PUT', '/api/budgets', { scope: 'agent', scopeRef: 'recruiter' });
    expect(none.status).toBe(400);
    expect(none.body.error.issues[0].path).toBe('tokenHardLimit');
    const inverted = await api(app.baseUrl, 'PUT', '/api/budgets', {
      scope: 'agent',
      scopeRef: 'recruiter',
      tokenSoftLimit: 500,
      tokenHardLimit: 100,
    });
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.issues[0].path).toBe('tokenSoftLimit');
    const unknown = await api(app.baseUrl, 'PUT', '/api/budgets', {
      scope: 'agent',
      scopeRef: 'nobody_here',
      tokenHardLimit: 100,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('budget/unknown_scope');
  });

  it('should pause the project naming the budget when a hard limit is reached, and continue after the budget is raised and the step retried', async () => {
    const { id, version } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    await spend(id, 150);
    const put = await api(app.baseUrl, 'PUT', '/api/budgets', {
      scope: 'project',
      scopeRef: id,
      period: 'total',
      tokenHardLimit: 100,
    });
    expect(put.status).toBe(200);
    expect(BudgetSchema.parse(put.body)).toMatchObject({ tokensUsed: 150, state: 'hard' });

    await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version });
    const d = await runUntilErrorOrDone(id);
    expect(d.status).toBe('paused_on_error');
    expect(await statusReason(id)).toContain(
      'budget of this project is exhausted (150 of 100 tokens used, hard limit)',
    );
    const stopped = (await errorsOf(id)).find((e) => e.category === 'budget')!;
    expect(stopped.severity).toBe('high');
    const listed = BudgetListSchema.parse((await api(app.baseUrl, 'GET', '/api/budgets')).body).budgets.find(
      (b) => b.scopeRef === id,
    )!;
    expect(listed.hardStoppedAt).not.toBeNull();

    const raised = await api(app.baseUrl, 'PUT', '/api/budgets', {
      scope: 'project',
      scopeRef: id,
      period: 'total',
      tokenHardLimit: 10_000,
    });
    expect(raised.body).toMatchObject({ id: listed.id, state: 'ok', hardStoppedAt: null });
    const steps = (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
    const failed = steps.find((s) => s.status === 'failed')!;
    expect(
      (
        await api(app.baseUrl, 'POST', `/api/projects/${id}/steps/${encodeURIComponent(failed.stepKey)}/recover`, {
          action: 'retry',
        })
      ).status,
    ).toBe(200);
    await runUntilErrorOrDone(id);
    const after = (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
    expect(after.find((s) => s.stepKey === failed.stepKey)!.status).toBe('completed');
  });

  it('should record a soft warning once and keep running when a soft limit is reached', async () => {
    const { id, version } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    await spend(id, 60);
    await api(app.baseUrl, 'PUT', '/api/budgets', {
      scope: 'project',
      scopeRef: id,
      period: 'total',
      tokenSoftLimit: 50,
      tokenHardLimit: 10_000,
    });
    await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version });
    await runUntilErrorOrDone(id);
    const warnings = (await errorsOf(id)).filter((e) => e.category === 'budget');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'low', recoveryAction: 'ignore' });
    expect(warnings[0]!.message).toContain('reached its soft limit');
    const steps = (await api(app.baseUrl, 'GET', `/api/projects/${id}/steps`)).body.steps as ProjectStep[];
    expect(steps.filter((s) => s.status === 'completed').length).toBeGreaterThan(1);
  });

  it('should stop a run at the project step limit and continue once the limit is raised', async () => {
    const { id, version } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    const set = await api(app.baseUrl, 'PUT', `/api/budgets/projects/${id}/limits`, { maxSteps: 1 });
    expect(set.body).toMatchObject({ maxSteps: 1, maxLoops: 5, stepsStarted: 0 });
    await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version });
    const d = await runUntilErrorOrDone(id);
    expect(d.status).toBe('paused_on_error');
    expect(await statusReason(id)).toContain('limit of 1 executed steps');
    const cleared = await api(app.baseUrl, 'PUT', `/api/budgets/projects/${id}/limits`, { maxSteps: null });
    expect(cleared.body.maxSteps).toBe(500);
  });

  it('should sum a department budget over its agents within the current period only', async () => {
    const { id } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    await pool.query(
      `insert into llm_calls (workspace_id, project_id, agent_name, provider, model, total_tokens, cost_usd, created_at)
       values ($1, $2, 'recruiter', 'openai', 'gpt-test', 300, 0.3, now()), ($1, $2, 'compensation_analyst', 'openai', 'gpt-test', 200, 0.2, now()),
              ($1, $2, 'recruiter', 'openai', 'gpt-test', 5000, 5, now() - interval '40 days'), ($1, $2, 'blog_post_writer', 'openai', 'gpt-test', 7000, 7, now())`,
      [workspaceId, id],
    );
    const month = BudgetSchema.parse(
      (
        await api(app.baseUrl, 'PUT', '/api/budgets', {
          scope: 'department',
          scopeRef: 'hr',
          period: 'month',
          costSoftLimitUsd: 0.1,
          costHardLimitUsd: 100,
        })
      ).body,
    );
    // Earlier calls of other tests count too; the 40-day-old call and other departments' calls do not.
    expect(month.costUsedUsd).toBeGreaterThanOrEqual(0.5);
    expect(month.costUsedUsd).toBeLessThan(5);
    expect(month.state).toBe('soft');
    const total = BudgetSchema.parse(
      (
        await api(app.baseUrl, 'PUT', '/api/budgets', {
          scope: 'department',
          scopeRef: 'hr',
          period: 'total',
          tokenHardLimit: 100,
        })
      ).body,
    );
    expect(total.tokensUsed - month.tokensUsed).toBe(5000);
    expect(total.state).toBe('hard');
    await api(app.baseUrl, 'DELETE', `/api/budgets/${total.id}`);
    await api(app.baseUrl, 'DELETE', `/api/budgets/${month.id}`);
    expect(
      BudgetListSchema.parse((await api(app.baseUrl, 'GET', '/api/budgets')).body).budgets.some(
        (b) => b.scopeRef === 'hr',
      ),
    ).toBe(false);
  });

  it('should roll up recorded LLM cost per step, project, agent and department', async () => {
    const { id } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    const usage = actingIn(workspaceId, app.app.get(UsageRepository));
    await usage.record(
      { workspaceId, projectId: id, stepKey: 'screen' },
      {
        provider: 'openai',
        model: 'gpt-test',
        promptTokens: 1000,
        completionTokens: 1000,
        durationMs: 5,
        agentName: 'recruiter',
      },
    );
    await usage.record(
      { workspaceId, projectId: id, stepKey: 'offer' },
      {
        provider: 'openai',
        model: 'unpriced',
        promptTokens: 10,
        completionTokens: 5,
        durationMs: 5,
        agentName: 'compensation_analyst',
      },
    );
    const bySteps = UsageReportSchema.parse(
      (await api(app.baseUrl, 'GET', `/api/budgets/usage?groupBy=step&projectId=${id}`)).body,
    );
    // 1000 × $1/M + 1000 × $3/M.
    expect(bySteps.rows.find((r) => r.key === 'screen')).toMatchObject({ calls: 1, totalTokens: 2000, costUsd: 0.004 });
    expect(bySteps.rows.find((r) => r.key === 'offer')).toMatchObject({ totalTokens: 15, costUsd: 0 });
    const byDepartment = UsageReportSchema.parse(
      (await api(app.baseUrl, 'GET', `/api/budgets/usage?groupBy=department&projectId=${id}`)).body,
    );
    expect(byDepartment.rows).toEqual([expect.objectContaining({ key: 'hr', calls: 2, totalTokens: 2015 })]);
    const byProject = UsageReportSchema.parse(
      (await api(app.baseUrl, 'GET', '/api/budgets/usage?groupBy=project')).body,
    );
    expect(byProject.rows.find((r) => r.key === id)?.label).toBeTruthy();
    expect((await api(app.baseUrl, 'GET', '/api/budgets/usage?groupBy=step')).status).toBe(400);

    // The calls behind a row: the same grouping, with readable names.
    const recruiterCalls = UsageCallListSchema.parse(
      (await api(app.baseUrl, 'GET', `/api/budgets/usage/calls?groupBy=agent&key=recruiter&projectId=${id}`)).body,
    );
    expect(recruiterCalls.total).toBe(1);
    expect(recruiterCalls.calls).toEqual([
      expect.objectContaining({
        agentName: 'recruiter',
        projectId: id,
        stepKey: 'screen',
        model: 'gpt-test',
        totalTokens: 2000,
        costUsd: 0.004,
      }),
    ]);
    expect(recruiterCalls.calls[0]!.projectTitle).toBe(byProject.rows.find((r) => r.key === id)?.label);
    const hrCalls = UsageCallListSchema.parse(
      (await api(app.baseUrl, 'GET', `/api/budgets/usage/calls?groupBy=department&key=hr&projectId=${id}&limit=1`))
        .body,
    );
    expect(hrCalls.total).toBe(2);
    expect(hrCalls.calls).toHaveLength(1);
    expect(
      UsageCallListSchema.parse(
        (await api(app.baseUrl, 'GET', `/api/budgets/usage/calls?groupBy=agent&key=nobody&projectId=${id}`)).body,
      ),
    ).toEqual({ calls: [], total: 0 });
    expect((await api(app.baseUrl, 'GET', '/api/budgets/usage/calls?groupBy=step&key=screen')).status).toBe(400);
  });
});

describe('circuit breakers', () => {
  it('should keep an open circuit in Postgres, skip the agent and ask a person, and close it on reset', async () => {
    const { id, version } = await planFor('Plan the hiring of a senior data engineer over the next two months');
    // Every agent of the plan has failed repeatedly, so whichever step runs first meets an open circuit.
    const agents = [
      ...new Set(
        flattenPlan((await detail(id)).plan!.plan).flatMap((s) =>
          s.step.type === 'standard' && s.step.assignedAgent ? [s.step.assignedAgent] : [],
        ),
      ),
    ];
    const agent = agents[0]!;
    const repo = actingIn(workspaceId, app.app.get(BudgetsRepository));
    const policy = { failureThreshold: 2, windowMs: 60_000, coolDownMs: 3_600_000 };
    for (const name of agents)
      for (let i = 0; i < 2; i++)
        await repo.updateCircuit(
          { workspaceId, projectId: id },
          name,
          (c) => afterFailure(c, new Date(), policy),
          'Request timed out',
        );
    const circuits = (await api(app.baseUrl, 'GET', '/api/budgets/circuits')).body.circuits as Array<{
      agentName: string;
      state: string;
      lastError: string;
    }>;
    expect(circuits.find((c) => c.agentName === agent)).toMatchObject({
      state: 'open',
      lastError: 'Request timed out',
    });

    await api(app.baseUrl, 'POST', `/api/projects/${id}/approve`, { version });
    const d = await runUntilErrorOrDone(id);
    expect(d.status).toBe('paused_on_error');
    expect(
      (await errorsOf(id)).some(
        (e) => e.category === 'agent_unavailable' && /circuit breaker of \w+ is open/.test(e.message),
      ),
    ).toBe(true);

    const reset = await api(app.baseUrl, 'POST', `/api/budgets/circuits/${agent}/reset`);
    expect(reset.body).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(await repo.circuit({ workspaceId, projectId: id }, agent)).toEqual({
      ...closedCircuit(),
      lastFailureAt: expect.any(Date),
    });
  });
});
