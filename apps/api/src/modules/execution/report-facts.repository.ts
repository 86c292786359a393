import { Injectable } from '@nestjs/common';
import type { ProjectStatus } from '@orchestrator/contracts';
import { isTerminal, type ProjectReportInput } from '@orchestrator/core';
import type { PoolClient } from '@orchestrator/db';

interface EndedProjectRow {
  title: string;
  status: ProjectStatus;
  conversation_id: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  status_reason: string | null;
  cost_usd: string;
  llm_calls: number;
  steps: Array<{ key: string; name: string; status: string; has_result: boolean }>;
}

/** What an ended project's report says, and the conversation it goes to. */
export interface EndedProject {
  conversationId: string;
  report: ProjectReportInput;
}

/**
 * The facts of an ended project's report, read from its run: its steps and their results, and
 * the LLM calls they made (recorded by usage accounting, read here only).
 */
@Injectable()
export class ReportFactsRepository {
  /**
   * In the caller's transaction: null when there is nothing to report (planned outside a
   * conversation, never started, or not ended).
   */
  async endedIn(db: Pick<PoolClient, 'query'>, workspaceId: string, projectId: string): Promise<EndedProject | null> {
    const { rows } = await db.query<EndedProjectRow>(
      `select p.title, p.status, p.conversation_id, p.started_at, p.completed_at, p.status_reason,
              (select coalesce(sum(c.cost_usd), 0)::text from llm_calls c
                where c.workspace_id = p.workspace_id and c.project_id = p.id) as cost_usd,
              (select count(*)::int from llm_calls c
                where c.workspace_id = p.workspace_id and c.project_id = p.id) as llm_calls,
              (select coalesce(json_agg(json_build_object(
                        'key', s.step_key, 'name', s.name, 'status', s.status,
                        'has_result', s.result is not null or s.result_ref is not null)
                      order by s.position, s.step_key), '[]')
                 from project_steps s
                where s.workspace_id = p.workspace_id and s.project_id = p.id and s.step_type <> 'subproject') as steps
         from projects p
        where p.workspace_id = $1 and p.id = $2`,
      [workspaceId, projectId],
    );
    const p = rows[0];
    if (!p || !p.conversation_id || !p.started_at || !isTerminal(p.status)) return null;
    return {
      conversationId: p.conversation_id,
      report: {
        projectId,
        title: p.title,
        status: p.status as ProjectReportInput['status'],
        reason: p.status_reason,
        startedAt: p.started_at,
        endedAt: p.completed_at ?? new Date(),
        steps: p.steps.map((s) => ({ key: s.key, name: s.name, status: s.status, hasResult: s.has_result })),
        costUsd: Number(p.cost_usd),
        llmCalls: p.llm_calls,
      },
    };
  }
}
