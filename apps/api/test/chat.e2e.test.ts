import { MESSAGE_MAX_CHARS, type Message } from '@orchestrator/contracts';
import { ScriptedChatModel } from '@orchestrator/core';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

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

/** A valid message near the limit: an opening that says what it is, then filler words. */
const long = (opening: string) => `${opening} ${'lorem ipsum dolor sit amet. '.repeat(1200)}`.slice(0, 31_500);

describe('message limits', () => {
  it.each([
    ['a delegated task answered with an offline draft', 'Write a blog post about our launch.', 'DELEGATE'],
    ['feedback on an agent', 'The blog post writer’s posts are far too long; keep them short.', 'IMPROVE_AGENT'],
  ])('should store a reply that fits when %s is 31,500 characters', async (_, opening, intent) => {
    const id = await newConversation();
    const res = await send(id, long(opening));
    expect(res.status).toBe(201);
    const reply = res.body.reply as Message;
    expect(reply).toMatchObject({ role: 'assistant', metadata: { intent } });
    expect(reply.content.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS);
    expect(reply.content).toMatch(/more characters\)/);
  });

  it('should cut a model answer longer than a message can hold and say so when it is stored', async () => {
    const model = new ScriptedChatModel([
      new Error('intent: use the offline classifier'),
      'A balance sheet, in detail: ' + 'assets, liabilities, equity. '.repeat(2000),
    ]);
    const withModel = await startApp(
      db.url,
      {},
      { info: { provider: 'scripted', model: 'long', offline: false }, chatModel: model },
    );
    try {
      const id = (await api(withModel.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
      const res = await api(withModel.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
        content: 'Explain what a balance sheet is.',
      });
      expect(res.body.reply).toMatchObject({ role: 'assistant', metadata: { intent: 'DIRECT_RESPONSE' } });
      expect(res.body.reply.content.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS);
      expect(res.body.reply.content).toMatch(/cut here: the full text was 58,028 characters/);
    } finally {
      await withModel.close();
    }
  });

  it('should refuse a message over the limit with a 400 naming the limit, over REST and the socket, and store nothing', async () => {
    const id = await newConversation();
    const before = await messageCount();
    const tooLong = 'x'.repeat(MESSAGE_MAX_CHARS + 1);
    const res = await send(id, tooLong);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'request/invalid',
      issues: [{ path: 'content', message: 'must be at most 32,000 characters; this one has 32,001' }],
    });
    const socket = await connectSocket(app.baseUrl);
    try {
      const ack = (await socket
        .timeout(5000)
        .emitWithAck('message.send', { conversationId: id, content: tooLong })) as {
        ok: boolean;
        error: { code: string; issues: { path: string; message: string }[] };
      };
      expect(ack).toMatchObject({
        ok: false,
        error: { code: 'request/invalid', issues: [{ path: 'content', message: expect.stringContaining('32,000') }] },
      });
    } finally {
      socket.close();
    }
    expect(await messageCount()).toBe(before);
  });
});

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

describe('replies that could not be stored', () => {
  it('should answer the message once its reply can be stored again, without a restart', async () => {
    // Stands in for a database that fails the reply's write: nothing from the orchestrator is stored.
    await pool.query(`create table test_block_replies (on_ boolean)`);
    await pool.query(`insert into test_block_replies values (true)`);
    await pool.query(`create function test_block_replies() returns trigger language plpgsql as $$
      begin
        if new.role <> 'user' and exists (select 1 from test_block_replies) then raise exception 'replies blocked'; end if;
        return new;
      end $$`);
    await pool.query(
      `create trigger test_block_replies before insert on messages for each row execute function test_block_replies()`,
    );
    const quick = await startApp(db.url, { CHAT_REPLY_LEASE_MS: '1000' });
    try {
      const id = (await api(quick.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
      const failed = await api(quick.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
        content: 'Who reports to the CFO?',
      });
      expect(failed.status).toBe(500);
      await pool.query('delete from test_block_replies');

      const end = Date.now() + 20_000;
      let answers: Message[] = [];
      while (answers.length === 0 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 200));
        const list = (await api(quick.baseUrl, 'GET', `/api/conversations/${id}/messages`)).body.messages as Message[];
        answers = list.filter((m) => m.role !== 'user');
      }
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ role: 'assistant' });
      expect(answers[0]!.content).toContain('finance_manager_orchestrator');
      expect((await pool.query('select 1 from pending_replies where conversation_id = $1', [id])).rowCount).toBe(0);
    } finally {
      await quick.close();
      await pool.query('drop trigger test_block_replies on messages');
    }
  });
});
