import { Inject, Injectable } from '@nestjs/common';
import type { AgentMetrics } from '@orchestrator/contracts';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

/** The window the Workforce view reports on. */
export const METRICS_WINDOW_DAYS = 30;

interface MetricsRow {
  name: string;
  tasks: string;
  successes: string;
  failures: string;
  duration_sum: string | null;
  duration_count: string;
  ratings: string;
  avg_rating: string | null;
  tokens: string;
  cost_usd: string;
}

/**
 * Performance per agent over the last 30 days, computed from the records themselves: chat
 * delegations (delegation_history: outcome, duration, rating), project steps (project_steps:
 * status, started/completed), and LLM usage (llm_calls: tokens, cost). A delegation that fell
 * back to another agent counts as a failure of the agent that was tried first.
 */
@Injectable()
export class AgentMetricsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async list(workspaceId: string, name?: string): Promise<AgentMetrics[]> {
    const { rows } = await this.pool.query<MetricsRow>(
      `with since as (select now() - make_interval(days => $3) as t),
       tasks as (
         select chosen_agent as agent, outcome in ('succeeded') as ok, outcome in ('failed', 'fell_back') as failed, duration_ms::numeric as duration_ms
           from delegation_history where workspace_id = $1 and created_at >= (select t from since) and ($2::text is null or chosen_agent = $2)
         union all
         select assigned_agent, status = 'completed', status = 'failed',
                case when status = 'completed' and started_at is not null and completed_at is not null
                     then extract(epoch from completed_at - started_at) * 1000 end
           from project_steps
          where workspace_id = $1 and assigned_agent is not null and started_at >= (select t from since) and ($2::text is null or assigned_agent = $2)
       ),
       task_stats as (
         select agent, count(*) as tasks, count(*) filter (where ok) as successes, count(*) filter (where failed) as failures,
                sum(duration_ms) filter (where ok) as duration_sum, count(duration_ms) filter (where ok) as duration_count
           from tasks group by agent
       ),
       rating_stats as (
         select chosen_agent as agent, count(rating) as ratings, avg(rating) as avg_rating
           from delegation_history where workspace_id = $1 and rated_at >= (select t from since) and rating is not null and ($2::text is null or chosen_agent = $2)
          group by chosen_agent
       ),
       usage_stats as (
         select agent_name as agent, sum(total_tokens) as tokens, sum(cost_usd) as cost_usd
           from llm_calls where workspace_id = $1 and created_at >= (select t from since) and agent_name is not null and ($2::text is null or agent_name = $2)
          group by agent_name
       )
       select a.name, coalesce(t.tasks, 0) as tasks, coalesce(t.successes, 0) as successes, coalesce(t.failures, 0) as failures,
              t.duration_sum, coalesce(t.duration_count, 0) as duration_count,
              coalesce(r.ratings, 0) as ratings, r.avg_rating, coalesce(u.tokens, 0) as tokens, coalesce(u.cost_usd, 0) as cost_usd
         from managed_agents a
         left join task_stats t on t.agent = a.name
         left join rating_stats r on r.agent = a.name
         left join usage_stats u on u.agent = a.name
        where a.workspace_id = $1 and ($2::text is null or a.name = $2) and (a.status <> 'retired' or $2::text is not null)
        order by a.name`,
      [workspaceId, name ?? null, METRICS_WINDOW_DAYS],
    );
    return rows.map(toMetrics);
  }

  /** Zeros for an agent that did nothing yet (never null: the detail always shows metrics). */
  async forAgent(workspaceId: string, name: string): Promise<AgentMetrics> {
    return (await this.list(workspaceId, name))[0] ?? toMetrics({ name, tasks: '0', successes: '0', failures: '0', duration_sum: null, duration_count: '0', ratings: '0', avg_rating: null, tokens: '0', cost_usd: '0' });
  }
}

function toMetrics(r: MetricsRow): AgentMetrics {
  const successes = Number(r.successes);
  const failures = Number(r.failures);
  const finished = successes + failures;
  const durationCount = Number(r.duration_count);
  return {
    name: r.name,
    tasks: Number(r.tasks),
    successes,
    failures,
    successRate: finished > 0 ? successes / finished : null,
    avgDurationMs: durationCount > 0 && r.duration_sum !== null ? Math.round(Number(r.duration_sum) / durationCount) : null,
    ratings: Number(r.ratings),
    avgRating: r.avg_rating === null ? null : Math.round(Number(r.avg_rating) * 100) / 100,
    tokens: Number(r.tokens),
    costUsd: Number(r.cost_usd),
  };
}
