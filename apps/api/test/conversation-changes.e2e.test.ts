/**
 * Renaming, deleting and searching conversations, and the titles new ones get (docs/api.md
 * "Conversation titles and search"), against the real app on real Postgres.
 */
import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationPage, Message } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_SCAN_CONVERSATIONS } from '../src/modules/conversations/conversation-search.repository.js';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let sql: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await sql?.end();
  await app?.close();
  await db?.drop();
});

async function create(title?: string): Promise<Conversation> {
  const res = await api(app.baseUrl, 'POST', '/api/conversations', title === undefined ? {} : { title });
  expect(res.status).toBe(201);
  return res.body as Conversation;
}

async function say(id: string, content: string): Promise<{ message: Message; reply: Message }> {
  const res = await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, { content });
  expect(res.status).toBe(201);
  return res.body;
}

async function search(q: string, query = ''): Promise<ConversationPage> {
  const res = await api(app.baseUrl, 'GET', `/api/conversations?q=${encodeURIComponent(q)}${query}`);
  expect(res.status).toBe(200);
  return res.body as ConversationPage;
}

const count = async (query: string, params: unknown[]) =>
  (await sql.query<{ n: number }>(`select count(*)::int as n from ${query}`, params)).rows[0]!.n;

describe('titles of new conversations', () => {
  it('should number a title the workspace has already when the conversation is created', async () => {
    const titles = [];
    for (let i = 0; i < 3; i++) titles.push((await create('Quarterly numbers')).title);
    expect(titles).toEqual(['Quarterly numbers', 'Quarterly numbers (2)', 'Quarterly numbers (3)']);
  });

  it('should number a title taken from a first message that another conversation has', async () => {
    const first = await create();
    const second = await create();
    await say(first.id, 'Which agents are in   hr?');
    await say(second.id, 'Which agents are in hr?');
    const titles = await Promise.all(
      [first, second].map(async (c) => (await api(app.baseUrl, 'GET', `/api/conversations/${c.id}`)).body.title),
    );
    expect(titles).toEqual(['Which agents are in hr?', 'Which agents are in hr? (2)']);
  });

  it('should keep an untitled conversation "New conversation" however many there are', async () => {
    expect([(await create()).title, (await create()).title]).toEqual(['New conversation', 'New conversation']);
  });
});

describe('PATCH /api/conversations/:id', () => {
  it('should rename exactly as typed, audited as the person, and keep the list order', async () => {
    const older = await create('Older');
    const renamed = await create('To rename');
    await create('Newest');
    const res = await api(app.baseUrl, 'PATCH', `/api/conversations/${renamed.id}`, { title: '  Older ' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: renamed.id, title: 'Older', createdAt: renamed.createdAt });
    expect((await api(app.baseUrl, 'GET', `/api/conversations/${older.id}`)).body.title).toBe('Older');
    const { rows } = await sql.query<{ actor_type: string; target_id: string; details: object }>(
      `select actor_type, target_id, details from audit_log where action = 'conversation.rename'`,
    );
    expect(rows).toEqual([{ actor_type: 'user', target_id: renamed.id, details: {} }]);
    const list = (await api(app.baseUrl, 'GET', '/api/conversations?limit=3')).body as ConversationPage;
    expect(list.conversations.map((c) => c.title)).toEqual(['Newest', 'Older', 'Older']);
  });

  it.each([
    ['a blank title', { title: '  ' }, 400, 'request/invalid'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 400, 'request/invalid'],
    ['no title', {}, 400, 'request/invalid'],
  ])('should refuse %s and change nothing', async (_name, body, status, code) => {
    const conversation = await create('Unchanged');
    const res = await api(app.baseUrl, 'PATCH', `/api/conversations/${conversation.id}`, body);
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    const now = await api(app.baseUrl, 'GET', `/api/conversations/${conversation.id}`);
    expect(now.body.title).toBe(conversation.title);
  });

  it('should answer 404 for a conversation that does not exist', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await api(app.baseUrl, 'PATCH', `/api/conversations/${id}`, { title: 'Anything' });
      expect([res.status, res.body.error.code]).toEqual([404, 'conversation/not_found']);
    }
  });
});

describe('DELETE /api/conversations/:id', () => {
  it('should delete the conversation, its messages, pending replies and thread, keeping what it started', async () => {
    const conversation = await create();
    const { reply } = await say(conversation.id, 'Plan the hiring of a senior data engineer over the next two months');
    const projectId = (reply.metadata.project as { id: string }).id;
    const kept = await create('Kept');
    await say(kept.id, 'Who reports to the CFO?');
    // A message still waiting for its reply.
    const waiting = await sql.query<{ id: string }>(
      `insert into messages (workspace_id, conversation_id, role, content)
       select workspace_id, id, 'user', 'Still waiting' from conversations where id = $1 returning id`,
      [conversation.id],
    );
    await sql.query(
      `insert into pending_replies (message_id, workspace_id, conversation_id, reply_id, owner, lease_until)
       select $1, workspace_id, id, gen_random_uuid(), 'elsewhere', now() from conversations where id = $2`,
      [waiting.rows[0]!.id, conversation.id],
    );
    const thread = (id: string) => [`conversation:${id}`];
    expect(await count('checkpoints.checkpoints where thread_id = $1', thread(conversation.id))).toBeGreaterThan(0);

    const res = await api(app.baseUrl, 'DELETE', `/api/conversations/${conversation.id}`);
    expect(res.status).toBe(204);

    expect(await count('conversations where id = $1', [conversation.id])).toBe(0);
    expect(await count('messages where conversation_id = $1', [conversation.id])).toBe(0);
    expect(await count('pending_replies where conversation_id = $1', [conversation.id])).toBe(0);
    for (const table of ['checkpoints', 'blobs', 'writes'])
      expect(await count(`checkpoints.${table} where thread_id = $1`, thread(conversation.id)), table).toBe(0);
    const project = await sql.query('select conversation_id from projects where id = $1', [projectId]);
    expect(project.rows).toEqual([{ conversation_id: null }]);
    // Another conversation keeps everything.
    expect(await count('messages where conversation_id = $1', [kept.id])).toBe(2);
    expect(await count('checkpoints.checkpoints where thread_id = $1', thread(kept.id))).toBeGreaterThan(0);

    const audit = await sql.query<{ actor_type: string; actor: string; details: object }>(
      `select actor_type, actor, details from audit_log where action = 'conversation.delete' and target_id = $1`,
      [conversation.id],
    );
    const owner = (await api(app.baseUrl, 'GET', '/api/system')).body.user.id;
    expect(audit.rows).toEqual([{ actor_type: 'user', actor: owner, details: { messages: 3 } }]);
    expect((await api(app.baseUrl, 'GET', `/api/conversations/${conversation.id}`)).status).toBe(404);
  });

  it('should answer 404 a second time and for a conversation that never existed, writing nothing', async () => {
    const conversation = await create();
    expect((await api(app.baseUrl, 'DELETE', `/api/conversations/${conversation.id}`)).status).toBe(204);
    const entries = await count('audit_log', []);
    for (const id of [conversation.id, randomUUID(), 'not-a-uuid']) {
      const res = await api(app.baseUrl, 'DELETE', `/api/conversations/${id}`);
      expect([res.status, res.body.error.code]).toEqual([404, 'conversation/not_found']);
    }
    expect(await count('audit_log', [])).toBe(entries);
  });
});

describe('GET /api/conversations?q=', () => {
  it('should find conversations by title or message, ignoring case, most recent first', async () => {
    const byTitle = await create('Budget for the Zeppelin launch');
    const byMessage = await create('Launch plans');
    await say(byMessage.id, 'What would a zeppelin cost us?');
    await create('Nothing to see');
    const found = await search('ZEPPELIN');
    expect(found.conversations.map((c) => c.id)).toEqual([byMessage.id, byTitle.id]);
    expect(found.nextCursor).toBeNull();
  });

  it('should take %, _ and \\ literally', async () => {
    const percent = await create('A 50% discount');
    await create('A 500 discount');
    await create('snake_case names');
    await create('snakeXcase names');
    expect((await search('50%')).conversations.map((c) => c.id)).toEqual([percent.id]);
    expect((await search('e_c')).conversations.map((c) => c.title)).toEqual(['snake_case names']);
    expect((await search('\\')).conversations).toEqual([]);
  });

  it('should page search results with the cursor of the search', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await create(`Paged walrus ${i}`)).id);
    await create('Not a match');
    const first = await search('walrus', '&limit=2');
    const second = await search('walrus', `&limit=2&cursor=${first.nextCursor}`);
    const third = await search('walrus', `&limit=2&cursor=${second.nextCursor}`);
    const seen = [first, second, third].flatMap((p) => p.conversations.map((c) => c.id));
    expect(seen).toEqual(ids.reverse());
    expect(third.nextCursor).toBeNull();
  });

  it('should look into a bounded number of conversations per page and go on from there', async () => {
    // Older than everything else: a match past more conversations than one request looks into.
    const { rows } = await sql.query<{ id: string; title: string }>(
      `insert into conversations (workspace_id, title, last_message_at)
       select id, case when g = $1 then 'The narwhal budget' else 'Filler ' || g end,
              now() - interval '1 year' - g * interval '1 minute'
         from workspaces, generate_series(1, $1) g
       returning id, title`,
      [SEARCH_SCAN_CONVERSATIONS + 10],
    );
    const narwhal = rows.find((r) => r.title === 'The narwhal budget')!.id;
    const pages = [await search('narwhal')];
    while (pages.at(-1)!.nextCursor) pages.push(await search('narwhal', `&cursor=${pages.at(-1)!.nextCursor}`));
    const found = pages.map((p) => p.conversations.map((c) => c.id));
    expect(found.length).toBeGreaterThan(1);
    expect(found).toEqual([...found.slice(0, -1).map(() => []), [narwhal]]);
  });

  it('should list everything for a blank search and refuse an oversized one', async () => {
    const all = (await api(app.baseUrl, 'GET', '/api/conversations?limit=5')).body;
    expect(await search('   ', '&limit=5')).toEqual(all);
    const res = await api(app.baseUrl, 'GET', `/api/conversations?q=${'x'.repeat(201)}`);
    expect([res.status, res.body.error.code]).toEqual([400, 'request/invalid']);
  });
});
