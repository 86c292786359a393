import { Inject, Injectable } from '@nestjs/common';
import type { Conversation } from '@orchestrator/contracts';
import { PostgresCheckpointSaver } from '@orchestrator/checkpoint-postgres';
import { conversationThreadId } from '@orchestrator/core';
import { withTransaction, type Pool } from '@orchestrator/db';
import { isUuid } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { toConversation, type ConversationRow } from './conversations.repository.js';

/** Who changes a conversation: the request's workspace and person. */
export interface Changer {
  workspaceId: string;
  userId: string;
}

/**
 * What a person does to a conversation as a whole — rename it, delete it — each with its audit
 * entry in the same transaction. The entries name the conversation by id only: its title comes
 * from what was said in it, and the audit log is never deleted, so a deleted conversation's
 * title would outlive it there.
 */
@Injectable()
export class ConversationChangesRepository {
  private readonly checkpoints: PostgresCheckpointSaver;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly audit: AuditRepository,
  ) {
    this.checkpoints = new PostgresCheckpointSaver(pool);
  }

  /** The renamed conversation, or undefined when the workspace has no such conversation. */
  async rename(by: Changer, id: string, title: string): Promise<Conversation | undefined> {
    if (!isUuid(id)) return undefined;
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<ConversationRow>(
        `update conversations set title = $3 where workspace_id = $1 and id = $2
         returning id, title, created_at, updated_at, last_message_at`,
        [by.workspaceId, id, title],
      );
      if (!rows[0]) return undefined;
      await this.audit.append(db, [
        personEntry(by, 'conversation.rename', { targetType: 'conversation', targetId: id }),
      ]);
      return toConversation(rows[0]);
    });
  }

  /**
   * Deletes the conversation and everything that is only its: its messages and their pending
   * replies (cascaded by their foreign keys), its links to artifacts, and its LangGraph thread
   * (`conversation:<id>` in the checkpoint tables, which hold what was said too). What it
   * started lives on and loses the link (`on delete set null`): projects, approvals,
   * delegations, agent builds and improvements are records of work and decisions of their own.
   * False when the workspace has no such conversation.
   */
  async remove(by: Changer, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{ messages: number }>(
        `delete from conversations c where c.workspace_id = $1 and c.id = $2
         returning (select count(*)::int from messages m where m.conversation_id = c.id) as messages`,
        [by.workspaceId, id],
      );
      if (!rows[0]) return false;
      await this.checkpoints.within(db).deleteThread(conversationThreadId(id));
      await this.audit.append(db, [
        personEntry(by, 'conversation.delete', {
          targetType: 'conversation',
          targetId: id,
          details: { messages: rows[0].messages },
        }),
      ]);
      return true;
    });
  }
}
