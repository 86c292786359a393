import { Inject, Injectable } from '@nestjs/common';
import type {
  UsageCall,
  UsageCallList,
  UsageCallsQuery,
  UsageQuery,
  UsageReport,
  UsageRow,
} from '@orchestrator/contracts';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

interface Row {
  key: string | null;
  label: string | null;
  calls: number;
  prompt_tokens: string;
  completion_tokens: string;
  total_tokens: string;
  cost_usd: number;
}

/** Group key and label per roll-up; every LLM call is one llm_calls row (docs/operations.md#budgets). */
const GROUPS: Record<UsageQuery['groupBy'], { key: string; label: string; join: string }> = {
  step: {
    key: 'c.step_id',
    label: 'max(s.name)',
    join: 'left join project_steps s on s.project_id = c.project_id and s.step_key = c.step_id',
  },
  project: { key: 'c.project_id::text', label: 'max(p.title)', join: 'left join projects p on p.id = c.project_id' },
  agent: {
    key: 'c.agent_name',
    label: 'max(m.title)',
    join: 'left join managed_agents m on m.workspace_id = c.workspace_id and m.name = c.agent_name',
  },
  department: {
    key: 'm.department',
    label: 'null::text',
    join: 'left join managed_agents m on m.workspace_id = c.workspace_id and m.name = c.agent_name',
  },
};

interface CallRow {
  id: string;
  created_at: Date;
  provider: string;
  model: string;
  agent_name: string | null;
  agent_title: string | null;
  project_id: string | null;
  project_title: string | null;
  step_id: string | null;
  step_name: string | null;
  conversation_id: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
  duration_ms: number | null;
  total: number;
}

const toCall = (r: CallRow): UsageCall => ({
  id: r.id,
  createdAt: r.created_at.toISOString(),
  provider: r.provider,
  model: r.model,
  agentName: r.agent_name,
  agentTitle: r.agent_title,
  projectId: r.project_id,
  projectTitle: r.project_title,
  stepKey: r.step_id,
  stepName: r.step_name,
  conversationId: r.conversation_id,
  promptTokens: r.prompt_tokens,
  completionTokens: r.completion_tokens,
  totalTokens: r.total_tokens,
  costUsd: Number(r.cost_usd),
  durationMs: r.duration_ms,
});

/** The report's group key, on the joins `calls` makes (managed_agents m, projects p, project_steps s). */
const CALL_KEYS: Record<UsageQuery['groupBy'], string> = {
  step: 'c.step_id',
  project: 'c.project_id::text',
  agent: 'c.agent_name',
  department: 'm.department',
};

const toRow = (r: Row): UsageRow => ({
  key: r.key,
  label: r.label,
  calls: r.calls,
  promptTokens: Number(r.prompt_tokens),
  completionTokens: Number(r.completion_tokens),
  totalTokens: Number(r.total_tokens),
  costUsd: Number(r.cost_usd),
});

@Injectable()
export class UsageReportRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async report(workspaceId: string, q: UsageQuery): Promise<UsageReport> {
    const g = GROUPS[q.groupBy];
    const { rows } = await this.pool.query<Row>(
      `select ${g.key} as key, ${g.label} as label, count(*)::int as calls,
              sum(c.prompt_tokens)::bigint as prompt_tokens, sum(c.completion_tokens)::bigint as completion_tokens,
              sum(c.total_tokens)::bigint as total_tokens, sum(c.cost_usd)::float8 as cost_usd
         from llm_calls c ${g.join}
        where c.workspace_id = $1
          and ($2::uuid is null or c.project_id = $2)
          and ($3::timestamptz is null or c.created_at >= $3)
          and ($4::timestamptz is null or c.created_at < $4)
        group by 1
        order by cost_usd desc, total_tokens desc, key nulls last
        limit 1000`,
      [workspaceId, q.projectId ?? null, q.since ?? null, q.until ?? null],
    );
    const list = rows.map(toRow);
    const total = list.reduce(
      (t, r) => ({
        calls: t.calls + r.calls,
        promptTokens: t.promptTokens + r.promptTokens,
        completionTokens: t.completionTokens + r.completionTokens,
        totalTokens: t.totalTokens + r.totalTokens,
        costUsd: t.costUsd + r.costUsd,
      }),
      { calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, costUsd: 0 },
    );
    return { groupBy: q.groupBy, rows: list, total };
  }

  /** The calls one report row sums up (same grouping and window), newest first. */
  async calls(workspaceId: string, q: UsageCallsQuery): Promise<UsageCallList> {
    const { rows } = await this.pool.query<CallRow>(
      `select c.id, c.created_at, c.provider, c.model, c.agent_name, m.title as agent_title,
              c.project_id, p.title as project_title, c.step_id, s.name as step_name, c.conversation_id,
              c.prompt_tokens, c.completion_tokens, c.total_tokens, c.cost_usd::float8 as cost_usd, c.duration_ms,
              count(*) over ()::int as total
         from llm_calls c
         left join managed_agents m on m.workspace_id = c.workspace_id and m.name = c.agent_name
         left join projects p on p.id = c.project_id
         left join project_steps s on s.project_id = c.project_id and s.step_key = c.step_id
        where c.workspace_id = $1
          and ($2::uuid is null or c.project_id = $2)
          and ($3::timestamptz is null or c.created_at >= $3)
          and ($4::timestamptz is null or c.created_at < $4)
          and (${CALL_KEYS[q.groupBy]}) is not distinct from $5::text
        order by c.created_at desc, c.id
        limit $6`,
      [workspaceId, q.projectId ?? null, q.since ?? null, q.until ?? null, q.key ?? null, q.limit],
    );
    return { calls: rows.map(toCall), total: rows[0]?.total ?? 0 };
  }
}
