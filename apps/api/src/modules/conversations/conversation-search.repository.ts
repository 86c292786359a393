import { Inject, Injectable } from '@nestjs/common';
import type { ConversationPage } from '@orchestrator/contracts';
import type { Pool } from '@orchestrator/db';
import { decodeCursor, encodeCursor } from '../../common/cursor.js';
import { PG_POOL } from '../../database/tokens.js';
import { toConversation, type ConversationRow } from './conversations.repository.js';

/**
 * How many conversations one search request looks into, most recent first. No index can serve
 * a substring match without pg_trgm, which no migration installs (docs/api.md "Conversation
 * titles and search"), so the messages of every conversation looked into are read: this bounds
 * that work per request, whatever the workspace holds. Measured with 20 messages of 1.2 kB per
 * conversation: about 40 ms for a search that matches nothing (docs/performance.md).
 */
export const SEARCH_SCAN_CONVERSATIONS = 200;

type SearchRow = ConversationRow & { recency: Date; kind: 'match' | 'edge' };

/** `text` as an ILIKE pattern that finds it anywhere: `%`, `_` and `\` in it match themselves. */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

@Injectable()
export class ConversationSearchRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Conversations whose title or any message contains `text`, ignoring case, most recent first:
   * up to `limit`, found among the next SEARCH_SCAN_CONVERSATIONS conversations after `cursor`.
   * `nextCursor` continues after the last one returned when the page is full, else after the
   * last one looked into when older ones are left — so a page may hold fewer than `limit`, even
   * none, and still have a next one — else it is null.
   */
  async search(workspaceId: string, text: string, limit: number, cursor?: string): Promise<ConversationPage> {
    const params: unknown[] = [workspaceId, limit + 1, SEARCH_SCAN_CONVERSATIONS, containing(text)];
    let after = '';
    if (cursor) {
      const [at, id] = decodeCursor(cursor);
      params.push(at, id);
      after = ' and (coalesce(last_message_at, created_at), id) < ($5::timestamptz, $6::uuid)';
    }
    // The message test is a scalar subquery on purpose: an EXISTS here may be planned as one
    // hashed scan of every message in the workspace, where this reads only the messages of the
    // conversations looked into, one conversation at a time.
    const { rows } = await this.pool.query<SearchRow>(
      `with scanned as (
         select id, title, created_at, updated_at, last_message_at, coalesce(last_message_at, created_at) as recency
           from conversations
          where workspace_id = $1${after}
          order by coalesce(last_message_at, created_at) desc, id desc
          limit $3
       ), matched as (
         select s.* from scanned s
          where s.title ilike $4
             or (select true from messages m where m.conversation_id = s.id and m.content ilike $4 limit 1)
          order by s.recency desc, s.id desc
          limit $2
       )
       select *, 'match' as kind from matched
       union all
       select * from (select *, 'edge' as kind from scanned order by recency, id limit 1) edge
        where (select count(*) from scanned) = $3
       order by kind desc, recency desc, id desc`,
      params,
    );
    const matches = rows.filter((r) => r.kind === 'match');
    const page = matches.slice(0, limit);
    const resumeAt = matches.length > limit ? page.at(-1) : rows.find((r) => r.kind === 'edge');
    return {
      conversations: page.map(toConversation),
      nextCursor: resumeAt ? encodeCursor(resumeAt.recency, resumeAt.id) : null,
    };
  }
}
