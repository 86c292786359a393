import { Inject, Injectable } from '@nestjs/common';
import type { Conversation, ConversationPage, Message, MessageList } from '@orchestrator/contracts';
import { redactSecrets, type NewMessage } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { decodeCursor, encodeCursor, isUuid } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';

interface ConversationRow {
  id: string;
  title: string;
  created_at: Date;
  updated_at: Date;
  last_message_at: Date | null;
}

interface MessageRow {
  id: string;
  seq: number;
  conversation_id: string;
  role: Message['role'];
  agent_name: string | null;
  content: string;
  metadata: Message['metadata'];
  created_at: Date;
}

const DEFAULT_TITLE = 'New conversation';
const TITLE_FROM_MESSAGE_CHARS = 80;

const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  title: r.title,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  lastMessageAt: r.last_message_at?.toISOString() ?? null,
});

const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  seq: r.seq,
  conversationId: r.conversation_id,
  role: r.role,
  agentName: r.agent_name,
  content: r.content,
  metadata: r.metadata,
  createdAt: r.created_at.toISOString(),
});

@Injectable()
export class ConversationsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async create(workspaceId: string, userId: string | null, title: string | undefined): Promise<Conversation> {
    const { rows } = await this.pool.query<ConversationRow>(
      `insert into conversations (workspace_id, created_by, title) values ($1, $2, $3)
       returning id, title, created_at, updated_at, last_message_at`,
      [workspaceId, userId, title ?? DEFAULT_TITLE],
    );
    return toConversation(rows[0]!);
  }

  async find(workspaceId: string, id: string): Promise<Conversation | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query<ConversationRow>(
      'select id, title, created_at, updated_at, last_message_at from conversations where workspace_id = $1 and id = $2',
      [workspaceId, id],
    );
    return rows[0] && toConversation(rows[0]);
  }

  async list(workspaceId: string, limit: number, cursor?: string): Promise<ConversationPage> {
    const params: unknown[] = [workspaceId, limit + 1];
    let where = 'workspace_id = $1';
    if (cursor) {
      const [at, id] = decodeCursor(cursor);
      params.push(at, id);
      where += ' and (coalesce(last_message_at, created_at), id) < ($3::timestamptz, $4::uuid)';
    }
    const { rows } = await this.pool.query<ConversationRow & { recency: Date }>(
      `select id, title, created_at, updated_at, last_message_at, coalesce(last_message_at, created_at) as recency
         from conversations where ${where}
        order by coalesce(last_message_at, created_at) desc, id desc
        limit $2`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      conversations: page.map(toConversation),
      nextCursor: rows.length > limit && last ? encodeCursor(last.recency, last.id) : null,
    };
  }

  async listMessages(
    workspaceId: string,
    conversationId: string,
    after: number | undefined,
    limit: number,
  ): Promise<MessageList> {
    const { rows } = await this.pool.query<MessageRow>(
      `select id, seq, conversation_id, role, agent_name, content, metadata, created_at
         from messages
        where workspace_id = $1 and conversation_id = $2 and seq > $3
        order by seq asc
        limit $4`,
      [workspaceId, conversationId, after ?? 0, limit + 1],
    );
    return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
  }

  /**
   * Appends a message and bumps the conversation in one statement: the insert only happens if
   * the conversation exists in this workspace. The first user message names an untitled
   * conversation. No secret is ever stored: replies, notices and build reports can quote a
   * provider's error, and that can echo the API key.
   */
  async appendMessage(m: NewMessage): Promise<Message> {
    const { rows } = await this.pool.query<MessageRow>(
      `with conv as (
         update conversations
            set last_message_at = now(),
                title = case when title = $8 and $3 = 'user' then left(regexp_replace($5, '\\s+', ' ', 'g'), ${TITLE_FROM_MESSAGE_CHARS}) else title end
          where workspace_id = $1 and id = $2
          returning id
       )
       insert into messages (id, workspace_id, conversation_id, role, author_user_id, agent_name, content, metadata)
       select coalesce($9::uuid, gen_random_uuid()), $1, conv.id, $3, $4, $6, $5, $7 from conv
       returning id, seq, conversation_id, role, agent_name, content, metadata, created_at`,
      [
        m.workspaceId,
        m.conversationId,
        m.role,
        m.authorUserId ?? null,
        redactSecrets(m.content),
        m.agentName ?? null,
        JSON.stringify(m.metadata ?? {}),
        DEFAULT_TITLE,
        m.id ?? null,
      ],
    );
    if (!rows[0]) throw new AppError('conversation/not_found', `Conversation ${m.conversationId} does not exist.`);
    return toMessage(rows[0]);
  }
}
