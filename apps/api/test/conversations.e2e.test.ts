import type { Message, MessageDelta, ReplyStarted } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function countMessages(): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('select count(*)::int as n from messages');
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function newConversation(): Promise<string> {
  const res = await api(app.baseUrl, 'POST', '/api/conversations', {});
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('conversations API', () => {
  it('should answer who reports to the CFO from the registry and store both messages', async () => {
    const id = await newConversation();
    const res = await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
      content: 'Who reports to the CFO?',
    });
    expect(res.status).toBe(201);
    expect(res.body.reply.content).toContain('finance_manager_orchestrator');
    expect(res.body.reply.metadata).toMatchObject({ offline: true, intent: 'DIRECT_RESPONSE' });
    const list = await api(app.baseUrl, 'GET', `/api/conversations/${id}/messages`);
    expect(list.body.messages.map((m: Message) => m.role)).toEqual(['user', 'assistant']);
    expect(list.body.messages[0].seq).toBeLessThan(list.body.messages[1].seq);
    const conv = await api(app.baseUrl, 'GET', `/api/conversations/${id}`);
    expect(conv.body.title).toBe('Who reports to the CFO?');
  });

  it('should return only messages after a sequence number for catch-up', async () => {
    const id = await newConversation();
    const first = await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
      content: 'Which agents are in hr?',
    });
    await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, { content: 'What can you do?' });
    const after = await api(app.baseUrl, 'GET', `/api/conversations/${id}/messages?after=${first.body.reply.seq}`);
    expect(after.body.messages.map((m: Message) => m.content)[0]).toBe('What can you do?');
    expect(after.body.messages).toHaveLength(2);
    const page = await api(app.baseUrl, 'GET', `/api/conversations/${id}/messages?limit=1`);
    expect(page.body).toMatchObject({ hasMore: true });
  });

  it('should page conversations newest first with a cursor', async () => {
    const ids = [await newConversation(), await newConversation(), await newConversation()];
    const first = await api(app.baseUrl, 'GET', '/api/conversations?limit=2');
    expect(first.body.conversations).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api(app.baseUrl, 'GET', `/api/conversations?limit=2&cursor=${first.body.nextCursor}`);
    const seen = [...first.body.conversations, ...second.body.conversations].map((c: { id: string }) => c.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 2)).toEqual([ids[2], ids[1]]);
    const bad = await api(app.baseUrl, 'GET', '/api/conversations?cursor=garbage');
    expect(bad.status).toBe(400);
  });

  it.each([
    ['an empty message', { content: '' }, 400, 'request/invalid'],
    ['a whitespace-only message', { content: '   \n ' }, 400, 'request/invalid'],
    ['a 100 kB message', { content: 'a'.repeat(100_000) }, 400, 'request/invalid'],
    ['an unknown field', { content: 'hi', extra: 1 }, 400, 'request/invalid'],
    ['a missing body', undefined, 400, 'request/invalid'],
  ])('should reject %s with a precise 4xx and write nothing', async (_name, body, status, code) => {
    const id = await newConversation();
    const before = await countMessages();
    const res = await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/content|body|Invalid/);
    expect(await countMessages()).toBe(before);
  });

  it('should reject malformed JSON with a 400 and write nothing', async () => {
    const id = await newConversation();
    const before = await countMessages();
    const res = await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, undefined, '{"content": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request/malformed_json');
    expect(await countMessages()).toBe(before);
  });

  it('should return 404 for an unknown or malformed conversation id and write nothing', async () => {
    const before = await countMessages();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, { content: 'hello' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('conversation/not_found');
    }
    expect(await countMessages()).toBe(before);
  });

  it('should list the workforce with hierarchy and status', async () => {
    const res = await api(app.baseUrl, 'GET', '/api/agents');
    expect(res.status).toBe(200);
    expect(res.body.agents).toHaveLength(34);
    expect(res.body.agents.find((a: { name: string }) => a.name === 'finance_manager_orchestrator')).toMatchObject({
      reportsTo: 'cfo_orchestrator',
      status: 'online',
      loadError: null,
    });
  });

  it('should report liveness and readiness', async () => {
    expect((await api(app.baseUrl, 'GET', '/health/live')).status).toBe(200);
    const ready = await api(app.baseUrl, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('should answer unknown endpoints with the error body', async () => {
    const res = await api(app.baseUrl, 'GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('request/not_found');
  });
});

describe('conversations socket', () => {
  let socket: Socket;
  beforeAll(async () => {
    socket = await connectSocket(app.baseUrl);
  });
  afterAll(() => {
    socket?.close();
  });

  const emit = <T>(event: string, payload: unknown) => socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;

  it('should stream the reply chunk by chunk to a joined conversation', async () => {
    const id = await newConversation();
    expect(await emit('conversation.join', { conversationId: id })).toEqual({ ok: true, data: { conversationId: id } });
    const started: ReplyStarted[] = [];
    const deltas: MessageDelta[] = [];
    const created: Message[] = [];
    socket.on('reply.started', (e: ReplyStarted) => started.push(e));
    socket.on('message.delta', (e: MessageDelta) => deltas.push(e));
    const done = new Promise<Message>((resolve) => {
      socket.on('message.created', (m: Message) => {
        created.push(m);
        if (m.role === 'assistant') resolve(m);
      });
    });
    const res = await api(app.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
      content: 'Who reports to the CFO?',
    });
    const reply = await done;
    expect(started).toEqual([{ conversationId: id, messageId: reply.id, offline: true }]);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.delta).join('')).toBe(reply.content);
    expect(created.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(res.body.reply.id).toBe(reply.id);
    socket.removeAllListeners();
  });

  it('should accept a message over the socket and ack with the stored message', async () => {
    const id = await newConversation();
    await emit('conversation.join', { conversationId: id });
    const reply = new Promise<Message>((resolve) =>
      socket.on('message.created', (m: Message) => m.role === 'assistant' && resolve(m)),
    );
    const ack = await emit<{ ok: boolean; data: Message }>('message.send', {
      conversationId: id,
      content: 'Which agents are in marketing?',
    });
    expect(ack.ok).toBe(true);
    expect(ack.data).toMatchObject({ role: 'user', content: 'Which agents are in marketing?' });
    expect((await reply).content).toContain('blog_post_writer');
    socket.removeAllListeners();
  });

  it('should answer wrong payloads with an error ack and write nothing', async () => {
    const id = await newConversation();
    const before = await countMessages();
    const cases: Array<[string, unknown, string]> = [
      ['conversation.join', { conversationId: 'x' }, 'request/invalid'],
      ['conversation.join', 'just a string', 'request/invalid'],
      ['conversation.join', { conversationId: '00000000-0000-4000-8000-000000000000' }, 'conversation/not_found'],
      ['message.send', { conversationId: id }, 'request/invalid'],
      ['message.send', { conversationId: id, content: '' }, 'request/invalid'],
      ['message.send', { conversationId: id, content: 'x'.repeat(100_000) }, 'request/invalid'],
      [
        'message.send',
        { conversationId: '00000000-0000-4000-8000-000000000000', content: 'hi' },
        'conversation/not_found',
      ],
    ];
    for (const [event, payload, code] of cases) {
      const ack = await emit<{ ok: boolean; error: { code: string; message: string } }>(event, payload);
      expect(ack.ok, `${event} ${JSON.stringify(payload).slice(0, 60)}`).toBe(false);
      expect(ack.error.code).toBe(code);
    }
    expect(await countMessages()).toBe(before);
  });
});
