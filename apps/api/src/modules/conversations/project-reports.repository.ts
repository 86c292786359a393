import { Inject, Injectable } from '@nestjs/common';
import type { Message, ProjectStatus } from '@orchestrator/contracts';
import { fitMessage } from '@orchestrator/core';
import type { Pool, PoolClient } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';
import { AUTHOR_JOIN, MESSAGE_COLUMNS, toMessage, type MessageRow } from './conversations.repository.js';

type Db = Pick<PoolClient, 'query'>;

/** A project's end, as its conversation is told (the text from `projectReportText`). */
export interface ProjectReportMessage {
  conversationId: string;
  projectId: string;
  status: Extract<ProjectStatus, 'completed' | 'failed' | 'aborted'>;
  content: string;
}

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
   * or null when it was reported already. Publish the message after the commit.
   */
  async appendIn(db: Db, workspaceId: string, report: ProjectReportMessage): Promise<Message | null> {
    const { conversationId, projectId, status, content } = report;
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
      [workspaceId, conversationId, fitMessage(content), JSON.stringify(metadata)],
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
