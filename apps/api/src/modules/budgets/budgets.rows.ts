import type { AgentCircuit, Budget, BudgetPeriod, BudgetScope } from '@orchestrator/contracts';
import {
  budgetLevel,
  circuitStateAt,
  periodStart,
  type BudgetUsage,
  type CircuitPolicy,
  type CircuitRecord,
} from '@orchestrator/core';

export interface BudgetRow {
  id: string;
  scope: BudgetScope;
  scope_ref: string;
  period: BudgetPeriod;
  token_soft_limit: string | null;
  token_hard_limit: string | null;
  cost_soft_limit_usd: string | null;
  cost_hard_limit_usd: string | null;
  enabled: boolean;
  soft_warned_at: Date | null;
  hard_stopped_at: Date | null;
  updated_at: Date;
  /** Summed from llm_calls for the current period by the query. */
  tokens_used: string;
  cost_used_usd: number;
}

const num = (v: string | null) => (v === null ? null : Number(v));

/**
 * Budgets with their usage in the current period, summed from llm_calls in the same statement.
 * $1 workspace, $2/$3/$4 start of the current day/week/month (computed by the core, one
 * definition of a period). A department's usage is the usage of the agents in it.
 */
export const BUDGET_WITH_USAGE = `
  select b.id, b.scope, b.scope_ref, b.period, b.token_soft_limit, b.token_hard_limit, b.cost_soft_limit_usd,
         b.cost_hard_limit_usd, b.enabled, b.soft_warned_at, b.hard_stopped_at, b.updated_at,
         u.tokens_used, u.cost_used_usd
    from budgets b
    cross join lateral (
      select coalesce(sum(c.total_tokens), 0)::bigint as tokens_used, coalesce(sum(c.cost_usd), 0)::float8 as cost_used_usd
        from llm_calls c
       where c.workspace_id = b.workspace_id
         and c.created_at >= case b.period when 'day' then $2::timestamptz when 'week' then $3::timestamptz
                                            when 'month' then $4::timestamptz else '-infinity'::timestamptz end
         and case b.scope
               when 'agent' then c.agent_name = b.scope_ref
               when 'project' then c.project_id::text = b.scope_ref
               else c.agent_name in (select m.name from managed_agents m where m.workspace_id = b.workspace_id and m.department = b.scope_ref)
             end
    ) u
   where b.workspace_id = $1`;

export const periodParams = (now: Date) => [
  periodStart('day', now),
  periodStart('week', now),
  periodStart('month', now),
];

/** The periods a usage sum was computed for: a cached sum is valid until one of them rolls over. */
export const periodKey = (params: ReturnType<typeof periodParams>) => params.map((d) => d?.toISOString()).join('/');

export interface GuardBudgetRow extends BudgetRow {
  /** Department scope: the names of the agents in the department; null otherwise. */
  members: string[] | null;
}

/**
 * Every enabled budget of the workspace with its usage, for the execution guard to match to runs in
 * memory (project, then department, then agent budgets: the first exhausted one is reported).
 */
export const GUARD_BUDGETS = `
  select g.*, case when g.scope = 'department'
                then array(select m.name from managed_agents m where m.workspace_id = $1 and m.department = g.scope_ref) end as members
    from (${BUDGET_WITH_USAGE} and b.enabled) g
   order by case g.scope when 'project' then 0 when 'department' then 1 else 2 end, g.scope_ref, g.period`;

export const toBudgetUsage = (r: BudgetRow): BudgetUsage => ({
  id: r.id,
  scope: r.scope,
  scopeRef: r.scope_ref,
  period: r.period,
  tokenSoftLimit: num(r.token_soft_limit),
  tokenHardLimit: num(r.token_hard_limit),
  costSoftLimitUsd: num(r.cost_soft_limit_usd),
  costHardLimitUsd: num(r.cost_hard_limit_usd),
  tokensUsed: Number(r.tokens_used),
  costUsedUsd: Number(r.cost_used_usd),
});

export function toBudget(r: BudgetRow, now: Date): Budget {
  const usage = toBudgetUsage(r);
  return {
    ...usage,
    enabled: r.enabled,
    periodStart: periodStart(r.period, now)?.toISOString() ?? null,
    state: r.enabled ? budgetLevel(usage) : 'ok',
    softWarnedAt: r.soft_warned_at?.toISOString() ?? null,
    hardStoppedAt: r.hard_stopped_at?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface CircuitRow {
  agent_name: string;
  state: CircuitRecord['state'];
  consecutive_failures: number;
  last_failure_at: Date | null;
  last_error: string | null;
  opened_at: Date | null;
}

export const toCircuitRecord = (r: CircuitRow): CircuitRecord => ({
  state: r.state,
  consecutiveFailures: r.consecutive_failures,
  lastFailureAt: r.last_failure_at,
  openedAt: r.opened_at,
});

/** The stored state, as seen now: an open circuit past its cool-down reads as half-open. */
export function toAgentCircuit(r: CircuitRow, now: Date, policy: CircuitPolicy): AgentCircuit {
  const { state, retryAt } = circuitStateAt(toCircuitRecord(r), now, policy);
  return {
    agentName: r.agent_name,
    state,
    consecutiveFailures: r.consecutive_failures,
    lastFailureAt: r.last_failure_at?.toISOString() ?? null,
    lastError: r.last_error,
    openedAt: r.opened_at?.toISOString() ?? null,
    retryAt: retryAt?.toISOString() ?? null,
  };
}
