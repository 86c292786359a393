import { Inject, Injectable } from '@nestjs/common';
import type { ImprovementEvidence } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

/** An agent whose recent tasks failed too often. */
export interface FailingAgent {
  agentName: string;
  total: number;
  failed: number;
}

/**
 * The agent's finished tasks, newest first: chat delegations and project steps. A step counts
 * for the agent that last ran it (setStepStatus records the runner in assigned_agent).
 */
const RECENT_TASKS = `
  select chosen_agent as agent, (outcome in ('failed', 'fell_back')) as failed, coalesce(completed_at, updated_at) as at
    from delegation_history where workspace_id = $1 and outcome in ('succeeded', 'failed', 'fell_back')
  union all
  select assigned_agent, status = 'failed', coalesce(completed_at, updated_at)
    from project_steps where workspace_id = $1 and assigned_agent is not null and status in ('completed', 'failed')`;

/** What a proposal is based on: ratings, reviewer rejections and errors (docs/workforce.md#what-a-proposal-is). */
@Injectable()
export class ImprovementEvidenceRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async workspaces(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('select id from workspaces order by created_at');
    return rows.map((r) => r.id);
  }

  async evidence(workspaceId: string, agentName: string, taskWindow: number): Promise<ImprovementEvidence> {
    const [ratings, rejections, errors, tasks] = await Promise.all([
      this.pool.query<{ rating: number; feedback: string | null; task: string }>(
        `select rating, feedback, task from delegation_history
          where workspace_id = $1 and chosen_agent = $2 and rating is not null and rating <= 3
          order by rated_at desc limit 5`,
        [workspaceId, agentName],
      ),
      this.pool.query<{ action: string; notes: string; step_name: string | null }>(
        `select a.action, a.decision_notes as notes, s.name as step_name from pending_approvals a
           left join project_steps s on s.project_id = a.project_id and s.step_key = a.step_key
          where a.workspace_id = $1 and a.agent_name = $2 and a.kind = 'action' and a.status = 'rejected' and coalesce(a.decision_notes, '') <> ''
          order by a.decided_at desc limit 5`,
        [workspaceId, agentName],
      ),
      this.pool.query<{ category: string; message: string }>(
        `select e.category, e.message from project_errors e
           left join project_steps s on s.project_id = e.project_id and s.step_key = e.step_key
          where e.workspace_id = $1 and coalesce(e.agent_name, s.assigned_agent) = $2 and e.category <> 'cancelled'
          order by e.created_at desc limit 10`,
        [workspaceId, agentName],
      ),
      this.pool.query<{ total: string; failed: string }>(
        `select count(*) as total, count(*) filter (where failed) as failed
           from (select failed from (${RECENT_TASKS}) t where agent = $2 order by at desc limit $3) recent`,
        [workspaceId, agentName, taskWindow],
      ),
    ]);
    const total = Number(tasks.rows[0]?.total ?? 0);
    return {
      ratings: ratings.rows.map((r) => ({ rating: r.rating, comment: r.feedback, task: r.task })),
      rejections: rejections.rows.map((r) => ({ action: r.step_name ?? r.action, notes: r.notes })),
      errors: errors.rows,
      ...(total > 0 ? { recentTasks: { total, failed: Number(tasks.rows[0]!.failed) } } : {}),
    };
  }

  /** Agents with at least `minTasks` of their last `window` tasks finished and a failure share ≥ `minFailureRate`. */
  async failingAgents(
    workspaceId: string,
    window: number,
    minTasks: number,
    minFailureRate: number,
  ): Promise<FailingAgent[]> {
    const { rows } = await this.pool.query<{ agent: string; total: string; failed: string }>(
      `select agent, count(*) as total, count(*) filter (where failed) as failed
         from (select agent, failed, row_number() over (partition by agent order by at desc) as n from (${RECENT_TASKS}) t) ranked
        where n <= $2
        group by agent
       having count(*) >= $3 and count(*) filter (where failed) >= $4::float8 * count(*)
        order by agent`,
      [workspaceId, window, minTasks, minFailureRate],
    );
    return rows.map((r) => ({ agentName: r.agent, total: Number(r.total), failed: Number(r.failed) }));
  }
}
