import type { ChildProcess } from 'node:child_process';
import type { Message, MessageDelta } from '@orchestrator/contracts';
import { MAX_RECOVERIES } from '@orchestrator/core';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, testDatabase } from './harness.js';
import { startServerProcess, stopProcess, type ServerProcess } from './server-process.js';

let db: TestDatabase;
let sql: pg.Client;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  db = await testDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await sql?.end();
  await db?.drop();
});

/** The real server process; offline replies stream slowly enough to be cut off. */
async function startServer(): Promise<ServerProcess> {
  const server = await startServerProcess({
    DATABASE_URL: db.url,
    OFFLINE_STREAM_DELAY_MS: '150',
    CHAT_REPLY_LEASE_MS: '1500',
  });
  children.add(server.child);
  return server;
}

const kill = (child: ChildProcess) => stopProcess(child, 'SIGKILL');

/** Sends over the socket (acked once stored) and resolves once its reply has started to stream. */
async function sendAndWaitForStreaming(url: string, content: string): Promise<Message> {
  const conversationId = (await api(url, 'POST', '/api/conversations', {})).body.id as string;
  const socket = await connectSocket(url);
  await socket.timeout(5000).emitWithAck('conversation.join', { conversationId });
  const streaming = new Promise<void>((resolve) => socket.on('message.delta', (_: MessageDelta) => resolve()));
  const ack = (await socket.timeout(5000).emitWithAck('message.send', { conversationId, content })) as {
    ok: boolean;
    data: Message;
  };
  expect(ack.ok).toBe(true);
  await streaming;
  socket.close();
  return ack.data;
}

/** The reply or failure notice that answers a message, once stored. */
async function answerTo(message: Message, timeoutMs = 60_000): Promise<Message> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql.query<{
      id: string;
      role: Message['role'];
      content: string;
      metadata: Message['metadata'];
    }>(`select id, role, content, metadata from messages where conversation_id = $1 and metadata ->> 'replyTo' = $2`, [
      message.conversationId,
      message.id,
    ]);
    if (rows[0]) return rows[0] as Message;
    if (Date.now() > end) throw new Error(`no answer to ${message.content}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const roles = async (conversationId: string) =>
  (
    await sql.query<{ role: string }>('select role from messages where conversation_id = $1 order by seq', [
      conversationId,
    ])
  ).rows.map((r) => r.role);

const projectsOf = async (conversationId: string) =>
  (await sql.query<{ id: string }>('select id from projects where conversation_id = $1', [conversationId])).rows;

describe('chat replies across a crash', () => {
  it('should answer or flag every message whose reply was cut off by SIGKILL, and answer the flagged one on Retry', async () => {
    const first = await startServer();
    const plan = await sendAndWaitForStreaming(first.url, 'Plan a product launch campaign for our new mobile app');
    const question = await sendAndWaitForStreaming(first.url, 'Who reports to the CFO?');
    await kill(first.child);

    // Cut off mid-reply: the messages are stored, unanswered and pending; the plan was stored once.
    expect(await roles(plan.conversationId)).toEqual(['user']);
    expect(await roles(question.conversationId)).toEqual(['user']);
    expect((await sql.query('select 1 from pending_replies')).rowCount).toBe(2);
    const [project] = await projectsOf(plan.conversationId);
    expect(project).toBeDefined();
    // As if the question's process had already died on it before: it gets a notice, not another try.
    await sql.query('update pending_replies set recoveries = $2 where message_id = $1', [question.id, MAX_RECOVERIES]);

    const second = await startServer();
    try {
      const reply = await answerTo(plan);
      expect(reply.role).toBe('assistant');
      // Resumed from the checkpoint after the plan was stored: the same project, not a second one.
      expect(reply.metadata).toMatchObject({ intent: 'CREATE_PROJECT', project: { id: project!.id } });
      expect(await projectsOf(plan.conversationId)).toEqual([project]);
      expect(await roles(plan.conversationId)).toEqual(['user', 'assistant']);

      const notice = await answerTo(question);
      expect(notice).toMatchObject({ role: 'system', metadata: { error: 'orchestrator/interrupted' } });
      const retried = await api(
        second.url,
        'POST',
        `/api/conversations/${question.conversationId}/messages/${question.id}/retry`,
      );
      expect(retried.status).toBe(201);
      expect(retried.body.message).toMatchObject({ id: question.id, content: 'Who reports to the CFO?' });
      expect(retried.body.reply).toMatchObject({ role: 'assistant', metadata: { replyTo: question.id } });
      expect(retried.body.reply.content).toContain('finance_manager_orchestrator');
      // The person's message is kept once: notice, then the reply Retry produced.
      expect(await roles(question.conversationId)).toEqual(['user', 'system', 'assistant']);

      const again = await api(
        second.url,
        'POST',
        `/api/conversations/${plan.conversationId}/messages/${plan.id}/retry`,
      );
      expect(again).toMatchObject({ status: 409, body: { error: { code: 'conversation/already_answered' } } });
      expect((await sql.query('select 1 from pending_replies')).rowCount).toBe(0);
    } finally {
      await kill(second.child);
    }
  }, 120_000);
});
