import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../common/cursor.js';
import { openSpecDatabase, type SpecDatabase } from '../../testing/spec-database.js';
import { ConversationSearchRepository } from './conversation-search.repository.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

let spec: SpecDatabase;
let conn: PoolClient;
let workspace: string;

beforeAll(async () => {
  spec = await openSpecDatabase(2);
  conn = await spec.pool.connect();
  // A workspace with a history, analysed: with few rows the planner rightly reads everything.
  workspace = (
    await conn.query<{ id: string }>(`insert into workspaces (name, slug) values ('Busy', 'busy') returning id`)
  ).rows[0]!.id;
  await conn.query(
    `insert into conversations (workspace_id, title, last_message_at)
     select $1, 'Conversation ' || g, now() - g * interval '1 minute' from generate_series(1, 2000) g`,
    [workspace],
  );
  await conn.query(
    `insert into messages (workspace_id, conversation_id, role, content)
     select $1, c.id, 'user', 'Message ' || g from conversations c, generate_series(1, 10) g`,
    [workspace],
  );
  await conn.query('analyze conversations, messages');
});
afterAll(async () => {
  conn?.release();
  await spec?.close();
});

async function planOf(sql: string, params: unknown[]): Promise<PlanNode[]> {
  const { rows } = await conn.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`, params);
  return nodes(rows[0]!['QUERY PLAN'][0].Plan);
}

/** Runs ConversationSearchRepository#search's own SQL under EXPLAIN and returns the plan's nodes. */
async function planOfSearch(cursor?: string): Promise<PlanNode[]> {
  let plan: Promise<PlanNode[]> | undefined;
  const explaining = {
    query: (sql: string, params: unknown[]) => {
      plan = planOf(sql, params);
      return Promise.resolve({ rows: [] });
    },
  } as unknown as Pool;
  await new ConversationSearchRepository(explaining).search(workspace, 'zeppelin', 30, cursor);
  return plan!;
}

describe('ConversationSearchRepository#search', () => {
  it.each([
    ['the first page', undefined],
    ['a page after a cursor', encodeCursor(new Date(), randomUUID())],
  ])('should read %s by recency and only the messages of the conversations looked into', async (_what, cursor) => {
    const plan = await planOfSearch(cursor);
    expect(plan.find((n) => n['Relation Name'] === 'conversations')?.['Index Name']).toBe(
      'conversations_workspace_recent_idx',
    );
    // Never one pass over every message of the workspace (a hashed EXISTS would be one): by
    // conversation, through its index.
    expect(plan.some((n) => n['Relation Name'] === 'messages' && n['Node Type'] === 'Seq Scan')).toBe(false);
    expect(plan.some((n) => n['Index Name'] === 'messages_conversation_seq_idx')).toBe(true);
    expect(plan.some((n) => n['Subplan Name']?.startsWith('hashed'))).toBe(false);
  });
});
