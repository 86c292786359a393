import { Inject, Injectable } from '@nestjs/common';
import type { Message, ProjectStatus } from '@orchestrator/contracts';
import { fitMessage, isTerminal, projectReportText } from '@orchestrator/core';
import type { Pool, PoolClient } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';
import { AUTHOR_JOIN, MESSAGE_COLUMNS, toMessage, type MessageRow } from './conversations.repository.js';

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

type Db = Pick<PoolClient, 'query'>;

/**
 * The message a project posts into the conversation it was planned in when it ends. Written in
 * the transaction that ends the project, so the end and its report commit together (or neither
 * does); the unique index `messages_project_report_once` makes a second write a no-op.
 */
@Injectable()
export class ProjectReportsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Writes the report of a project that has ended, in the caller's transaction: the new message,
   * or null when there is nothing to report (no conversation, never started, not ended) or it
   * was reported already. Publish the message after the commit.
   */
  async appendIn(db: Db, workspaceId: string, projectId: string): Promise<Message | null> {
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
    const status = p.status as 'completed' | 'failed' | 'aborted';
    const content = projectReportText({
      projectId,
      title: p.title,
      status,
      reason: p.status_reason,
      startedAt: p.started_at,
      endedAt: p.completed_at ?? new Date(),
      steps: p.steps.map((s) => ({ key: s.key, name: s.name, status: s.status, hasResult: s.has_result })),
      costUsd: Number(p.cost_usd),
      llmCalls: p.llm_calls,
    });
    const metadata = { intent: 'PROJECT_REPORT', projectReport: { projectId, status } };
    const inserted = await db.query<MessageRow>(
      `with msg as (
         insert into messages (workspace_id, conversation_id, role, agent_name, content, metadata)
         values ($1, $2, 'assistant', 'ceo_orchestrator', $3, $4)
         on conflict (workspace_id, ((metadata -> 'projectReport' ->> 'projectId')))
           where metadata ? 'projectReport' do nothing
         returning id, seq, conversation_id, role, author_user_id, agent_name, content, metadata, created_at
       ), touched as (
         update conversations set last_message_at = now()
          where workspace_id = $1 and id = $2 and exists (select 1 from msg)
       )
       select ${MESSAGE_COLUMNS} from msg m ${AUTHOR_JOIN}`,
      [workspaceId, p.conversation_id, fitMessage(content), JSON.stringify(metadata)],
    );
    return inserted.rows[0] ? toMessage(inserted.rows[0]) : null;
  }

  /** A project's report, once written (to publish it again after a restart, or to check it). */
  async find(workspaceId: string, projectId: string): Promise<Message | undefined> {
    const { rows } = await this.pool.query<MessageRow>(
      `select ${MESSAGE_COLUMNS} from messages m ${AUTHOR_JOIN}
        where m.workspace_id = $1 and m.metadata ? 'projectReport' and m.metadata -> 'projectReport' ->> 'projectId' = $2`,
      [workspaceId, projectId],
    );
    return rows[0] && toMessage(rows[0]);
  }
}
