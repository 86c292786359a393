import type { Plan, PlanStep } from '@orchestrator/contracts';
import type pg from 'pg';
import { expect } from 'vitest';

type Sql = pg.Client | pg.Pool;

/** A chain of `steps` low-risk marketing steps (`s00`, `s01`, …), the agents taking turns. */
export function linearPlan(title: string, steps: number, agents: string[] = ['blog_post_writer']): Plan {
  const id = (i: number) => `s${String(i).padStart(2, '0')}`;
  const planSteps: PlanStep[] = Array.from({ length: steps }, (_, i) => ({
    id: id(i),
    name: `Draft section ${i}`,
    description: `Write section ${i} of the handbook.`,
    type: 'standard',
    department: 'marketing',
    dependsOn: i === 0 ? [] : [id(i - 1)],
    assignedAgent: agents[i % agents.length]!,
    assignedHuman: null,
    collaboration: null,
    capability: null,
    riskLevel: 'low',
    estimatedDuration: { value: 1, unit: 'hours' },
  }));
  return {
    title,
    request: `Write the ${title.toLowerCase()}`,
    template: null,
    department: 'marketing',
    horizon: 'short_term',
    steps: planSteps,
    criticalPath: { stepIds: [], totalMinutes: steps * 60, display: { value: steps, unit: 'hours' } },
    warnings: [],
  };
}

/** Stores `plan` as an autonomous project of the default workspace, waiting for approval of version 1. */
export async function projectAwaitingApproval(
  sql: Sql,
  plan: Plan,
): Promise<{ workspaceId: string; projectId: string }> {
  const workspaceId = (await sql.query<{ id: string }>(`select id from workspaces where slug = 'default'`)).rows[0]!.id;
  const { rows } = await sql.query<{ id: string }>(
    `insert into projects (workspace_id, title, status, plan_json, current_plan_version, department, autonomy_level)
     values ($1, $2, 'awaiting_plan_approval', $3, 1, 'marketing', 'autonomous') returning id`,
    [workspaceId, plan.title, JSON.stringify(plan)],
  );
  const projectId = rows[0]!.id;
  await sql.query(
    `insert into plan_versions (workspace_id, project_id, version, plan_json, author_type, author) values ($1, $2, 1, $3, 'system', 'test')`,
    [workspaceId, projectId, JSON.stringify(plan)],
  );
  return { workspaceId, projectId };
}

/** Approves version 1 through the API, which starts the run. */
export async function approveProject(baseUrl: string, projectId: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/projects/${projectId}/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version: 1 }),
  });
  expect(res.status).toBe(200);
}

export const completedSteps = async (sql: Sql, projectId: string): Promise<number> =>
  (
    await sql.query<{ n: number }>(
      `select count(*)::int as n from project_steps where project_id = $1 and status = 'completed'`,
      [projectId],
    )
  ).rows[0]!.n;

export const projectStatus = async (sql: Sql, projectId: string): Promise<string> =>
  (await sql.query<{ status: string }>('select status from projects where id = $1', [projectId])).rows[0]!.status;
