import type { Message } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

const newConversation = async () => (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
const send = (id: string, content: string) =>
  api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, { content });
const retry = (id: string, messageId: string) =>
  api(app.baseUrl, 'POST', `/api/conversations/${id}/messages/${messageId}/retry`);
const messageCount = async () => Number((await pool.query('select count(*) as n from messages')).rows[0].n);

describe('retry', () => {
  it('should refuse to retry what is not an unanswered message of yours in this conversation', async () => {
    const id = await newConversation();
    const { message, reply } = (await send(id, 'Who reports to the CFO?')).body as { message: Message; reply: Message };
    expect(reply.metadata.replyTo).toBe(message.id);
    const before = await messageCount();

    expect((await retry(id, message.id)).body.error.code).toBe('conversation/already_answered');
    expect((await retry(id, reply.id)).body.error.code).toBe('conversation/message_not_found');
    expect((await retry(id, 'not-a-uuid')).status).toBe(404);
    expect((await retry(await newConversation(), message.id)).status).toBe(404);
    expect((await retry('00000000-0000-4000-8000-000000000000', message.id)).body.error.code).toBe(
      'conversation/not_found',
    );
    expect(await messageCount()).toBe(before);
  });

  it('should refuse a second retry while the message is being answered', async () => {
    const id = await newConversation();
    const { rows } = await pool.query<{ id: string; workspace_id: string }>(
      `insert into messages (workspace_id, conversation_id, role, content)
       select workspace_id, id, 'user', 'Who reports to the CMO?' from conversations where id = $1
       returning id, workspace_id`,
      [id],
    );
    // Another process is answering it and still renews its claim.
    await pool.query(
      `insert into pending_replies (message_id, workspace_id, conversation_id, reply_id, owner, lease_until)
       values ($1, $2, $3, gen_random_uuid(), 'another-process', now() + interval '1 hour')`,
      [rows[0]!.id, rows[0]!.workspace_id, id],
    );
    const res = await retry(id, rows[0]!.id);
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'conversation/reply_in_progress' } } });
  });
});
