import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Conversation, ConversationPage, Message, MessageList } from '@orchestrator/contracts';
import { fitMessage, redactSecrets, type NewMessage, type PendingReply } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { decodeCursor, encodeCursor, isUuid } from '../../common/cursor.js';
import { userNameSql } from '../../common/user-name.js';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { auditInsert } from '../audit/audit.sql.js';
import { DEFAULT_TITLE, distinctTitleSql, titleFromMessageSql } from './conversation-titles.js';

export interface ConversationRow {
  id: string;
  title: string;
  created_at: Date;
  updated_at: Date;
  last_message_at: Date | null;
}

export interface MessageRow {
  id: string;
  seq: number;
  conversation_id: string;
  role: Message['role'];
  author_user_id: string | null;
  author_name: string | null;
  agent_name: string | null;
  content: string;
  metadata: Message['metadata'];
  created_at: Date;
}

interface PendingRow {
  workspace_id: string;
  conversation_id: string;
  message_id: string;
  reply_id: string;
  recoveries: number;
  content: string;
  author_user_id: string | null;
}

/** Why a message cannot be retried. */
export type RetryRefusal = 'not_found' | 'answered' | 'in_progress';

export const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  title: r.title,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  lastMessageAt: r.last_message_at?.toISOString() ?? null,
});

/** A message row (alias `m`) with its author's name: select these `from <messages> m` + AUTHOR_JOIN. */
export const MESSAGE_COLUMNS = `m.id, m.seq, m.conversation_id, m.role, m.author_user_id, ${userNameSql('u')} as author_name,
  m.agent_name, m.content, m.metadata, m.created_at`;
export const AUTHOR_JOIN = 'left join users u on u.id = m.author_user_id';

const toPending = (r: PendingRow): PendingReply => ({
  workspaceId: r.workspace_id,
  conversationId: r.conversation_id,
  userId: r.author_user_id,
  messageId: r.message_id,
  content: r.content,
  replyId: r.reply_id,
  recoveries: r.recoveries,
});

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  seq: r.seq,
  conversationId: r.conversation_id,
  role: r.role,
  author: r.author_user_id && r.author_name !== null ? { id: r.author_user_id, name: r.author_name } : null,
  agentName: r.agent_name,
  content: r.content,
  metadata: r.metadata,
  createdAt: r.created_at.toISOString(),
});

@Injectable()
export class ConversationsRepository {
  /** This process, as the owner of the pending replies it is answering. */
  readonly owner = randomUUID();
  private readonly leaseMs: number;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.leaseMs = config.env.CHAT_REPLY_LEASE_MS;
  }

  /** Untitled, it is named by its first message; a title the workspace has already gets a number. */
  async create(workspaceId: string, userId: string | null, title: string | undefined): Promise<Conversation> {
    const { rows } = await this.pool.query<ConversationRow>(
      `insert into conversations (workspace_id, created_by, title)
       values ($1, $2, ${title === undefined ? '$3' : distinctTitleSql('$1', 'null::uuid', '$3')})
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
      `select ${MESSAGE_COLUMNS}
         from messages m ${AUTHOR_JOIN}
        where m.workspace_id = $1 and m.conversation_id = $2 and m.seq > $3
        order by m.seq asc
        limit $4`,
      [workspaceId, conversationId, after ?? 0, limit + 1],
    );
    return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
  }

  /**
   * Appends a message and bumps the conversation in one statement: the insert only happens if
   * the conversation exists in this workspace. The first user message names an untitled
   * conversation (numbered if the workspace has that title: conversation-titles.ts). A message awaiting a reply opens its pending reply (owned by this process), and
   * the reply or failure notice that answers it closes it, in the same statement. No secret is
   * ever stored: replies, notices and build reports can quote a provider's error, and that can
   * echo the API key. What the orchestrator and agents write is cut to what a message holds; a
   * person's message is checked at the edge instead (it is never cut).
   */
  async appendMessage(m: NewMessage): Promise<Message> {
    const metadata = { ...(m.metadata ?? {}), ...(m.replyTo ? { replyTo: m.replyTo } : {}) };
    const content = redactSecrets(m.role === 'user' ? m.content : fitMessage(m.content));
    const { rows } = await this.pool.query<MessageRow>(
      `with conv as (
         update conversations
            set last_message_at = now(),
                title = case when title = $8 and $3 = 'user' then ${distinctTitleSql('$1', '$2', titleFromMessageSql('$5'))} else title end
          where workspace_id = $1 and id = $2
          returning id
       ), msg as (
         insert into messages (id, workspace_id, conversation_id, role, author_user_id, agent_name, content, metadata)
         select coalesce($9::uuid, gen_random_uuid()), $1, conv.id, $3, $4, $6, $5, $7 from conv
         returning id, seq, conversation_id, role, author_user_id, agent_name, content, metadata, created_at
       ), opened as (
         insert into pending_replies (message_id, workspace_id, conversation_id, reply_id, owner, lease_until)
         select msg.id, $1, $2, $10::uuid, $11, now() + $12::int * interval '1 millisecond' from msg where $10::uuid is not null
       ), closed as (
         delete from pending_replies where message_id = $13::uuid and exists (select 1 from msg)
       )
       select ${MESSAGE_COLUMNS} from msg m ${AUTHOR_JOIN}`,
      [
        m.workspaceId,
        m.conversationId,
        m.role,
        m.authorUserId ?? null,
        content,
        m.agentName ?? null,
        JSON.stringify(metadata),
        DEFAULT_TITLE,
        m.id ?? null,
        m.pendingReplyId ?? null,
        this.owner,
        this.leaseMs,
        m.replyTo ?? null,
      ],
    );
    if (!rows[0]) throw new AppError('conversation/not_found', `Conversation ${m.conversationId} does not exist.`);
    return toMessage(rows[0]);
  }

  /** Keeps this process's claims on the replies it is producing alive. */
  async renewLeases(messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.pool.query(
      `update pending_replies set lease_until = now() + $3::int * interval '1 millisecond'
        where owner = $1 and message_id = any($2::uuid[])`,
      [this.owner, messageIds, this.leaseMs],
    );
  }

  /**
   * Takes over pending replies nobody renews any more — their process died, or their turn ended
   * without storing an answer — oldest first; each counts one more recovery.
   */
  async claimAbandoned(limit: number): Promise<PendingReply[]> {
    const { rows } = await this.pool.query<PendingRow>(
      `with claimed as (
         update pending_replies p
            set owner = $1, lease_until = now() + $2::int * interval '1 millisecond', recoveries = p.recoveries + 1
          where p.message_id in (
                  select message_id from pending_replies
                   where lease_until < now()
                   order by created_at
                   limit $3
                   for update skip locked)
          returning p.workspace_id, p.conversation_id, p.message_id, p.reply_id, p.recoveries
       )
       select c.*, m.content, m.author_user_id
         from claimed c join messages m on m.id = c.message_id
        order by m.seq`,
      [this.owner, this.leaseMs, limit],
    );
    return rows.map(toPending);
  }

  /**
   * Opens a new pending reply for a user message that has none and no reply (its turn failed):
   * the message is answered again, not stored again; the person who asked (`by`, who may not be
   * its author) is audited in the same statement. Says why not otherwise.
   */
  async reopenReply(
    workspaceId: string,
    conversationId: string,
    messageId: string,
    by: string,
  ): Promise<PendingReply | RetryRefusal> {
    if (!isUuid(messageId)) return 'not_found';
    const { rows } = await this.pool.query<PendingRow>(
      `with target as (
         select m.id, m.content, m.author_user_id from messages m
          where m.workspace_id = $1 and m.conversation_id = $2 and m.id = $3 and m.role = 'user'
            and not exists (select 1 from messages r
                             where r.conversation_id = $2 and r.role <> 'system' and r.metadata ->> 'replyTo' = $4)
       ), opened as (
         insert into pending_replies (message_id, workspace_id, conversation_id, reply_id, owner, lease_until)
         select id, $1, $2, gen_random_uuid(), $5, now() + $6::int * interval '1 millisecond' from target
         on conflict (message_id) do nothing
         returning message_id, reply_id, recoveries
       ), audited as (
         ${auditInsert(
           ['workspace_id', 'actor_type', 'actor', 'action', 'target_type', 'target_id', 'mode', 'result', 'details'],
           `select $1, 'user', $7::text, 'message.retry', 'message', o.message_id::text, 'manual', 'success',
                   jsonb_build_object('conversationId', $2::uuid) from opened o`,
         )}
       )
       select $1::uuid as workspace_id, $2::uuid as conversation_id, o.message_id, o.reply_id, o.recoveries,
              t.content, t.author_user_id
         from opened o join target t on t.id = o.message_id`,
      [workspaceId, conversationId, messageId, messageId, this.owner, this.leaseMs, by],
    );
    if (rows[0]) return toPending(rows[0]);
    const why = await this.pool.query<{ answered: boolean; pending: boolean }>(
      `select exists (select 1 from messages r
                       where r.conversation_id = $2 and r.role <> 'system' and r.metadata ->> 'replyTo' = $4) as answered,
              exists (select 1 from pending_replies where message_id = $3) as pending
         from messages m
        where m.workspace_id = $1 and m.conversation_id = $2 and m.id = $3 and m.role = 'user'`,
      [workspaceId, conversationId, messageId, messageId],
    );
    const found = why.rows[0];
    if (!found) return 'not_found';
    return found.answered ? 'answered' : 'in_progress';
  }

  /** The stored message (for the answer to a retry). */
  async findMessage(workspaceId: string, conversationId: string, id: string): Promise<Message | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query<MessageRow>(
      `select ${MESSAGE_COLUMNS}
         from messages m ${AUTHOR_JOIN} where m.workspace_id = $1 and m.conversation_id = $2 and m.id = $3`,
      [workspaceId, conversationId, id],
    );
    return rows[0] && toMessage(rows[0]);
  }
}
