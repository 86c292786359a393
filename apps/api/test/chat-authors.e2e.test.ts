/**
 * Several people in one workspace (authenticated mode): each message a person sends says who
 * wrote it, in the REST answers, the socket ack, `message.created` and the message list.
 */
import {
  MessageListSchema,
  MessageSchema,
  SendMessageResponseSchema,
  type Message,
  type MessageAuthor,
} from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_TOKEN } from '../src/modules/accounts/accounts.tokens.js';
import type { SetupToken } from '../src/modules/accounts/setup-token.js';
import { apiWithHeaders, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
const sockets: Socket[] = [];

interface Person {
  cookie: string;
  author: MessageAuthor;
}

/** Sets up the owner or accepts an invitation; returns the session cookie it answered with. */
async function signIn(path: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function person(cookie: string): Promise<Person> {
  const { body } = await apiWithHeaders({ cookie }, app.baseUrl, 'GET', '/api/auth/session');
  return { cookie, author: { id: body.user.id as string, name: body.user.displayName as string } };
}

async function joinedSocket(who: Person, conversationId: string): Promise<Socket> {
  const socket = await connectSocket(app.baseUrl, { extraHeaders: { cookie: who.cookie } });
  sockets.push(socket);
  expect(await socket.timeout(5000).emitWithAck('conversation.join', { conversationId })).toMatchObject({ ok: true });
  return socket;
}

/** The next `message.created` on this socket that `match` accepts. */
const created = (socket: Socket, match: (m: Message) => boolean) =>
  new Promise<Message>((resolve) => socket.on('message.created', (m: Message) => match(m) && resolve(m)));

let sarah: Person;
let ben: Person;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url, { AUTH_MODE: 'authenticated' });
  sarah = await person(
    await signIn('/api/auth/setup', {
      setupToken: app.app.get<SetupToken>(SETUP_TOKEN, { strict: false }).value,
      email: 'sarah@example.com',
      displayName: 'Sarah Chen',
      password: 'correct horse battery',
    }),
  );
  const invited = await apiWithHeaders({ cookie: sarah.cookie }, app.baseUrl, 'POST', '/api/invitations', {
    email: 'ben@example.com',
    role: 'member',
  });
  ben = await person(
    await signIn('/api/invitations/accept', {
      token: new URL(invited.body.acceptUrl as string).searchParams.get('token'),
      displayName: 'Ben Okafor',
      password: 'another long password',
    }),
  );
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await app?.close();
  await db?.drop();
});

describe('chat authors', () => {
  it('should show each member who wrote which message when two members share a conversation', async () => {
    const conversation = await apiWithHeaders({ cookie: sarah.cookie }, app.baseUrl, 'POST', '/api/conversations', {});
    const id = conversation.body.id as string;
    const sarahSocket = await joinedSocket(sarah, id);
    const benSocket = await joinedSocket(ben, id);

    const sarahSeen = created(benSocket, (m) => m.role === 'user');
    const sent = await apiWithHeaders(
      { cookie: sarah.cookie },
      app.baseUrl,
      'POST',
      `/api/conversations/${id}/messages`,
      {
        content: 'Who reports to the CFO?',
      },
    );
    expect(sent.status).toBe(201);
    const { message, reply } = SendMessageResponseSchema.parse(sent.body);
    expect(message.author).toEqual(sarah.author);
    expect(reply.author).toBeNull();
    expect(MessageSchema.parse(await sarahSeen).author).toEqual(sarah.author);

    const benSeen = created(sarahSocket, (m) => m.role === 'user' && m.id !== message.id);
    // Listened for before sending: the offline reply can be stored before the ack is read.
    const benReply = created(sarahSocket, (m) => m.role === 'assistant' && m.metadata.replyTo !== message.id);
    const ack = await benSocket.timeout(5000).emitWithAck('message.send', {
      conversationId: id,
      content: 'Which agents are in marketing?',
    });
    const benMessage = MessageSchema.parse(ack.data);
    expect(benMessage.author).toEqual(ben.author);
    expect((await benSeen).author).toEqual(ben.author);
    expect(await benReply).toMatchObject({ author: null, metadata: { replyTo: benMessage.id } });

    for (const reader of [sarah, ben]) {
      const list = await apiWithHeaders(
        { cookie: reader.cookie },
        app.baseUrl,
        'GET',
        `/api/conversations/${id}/messages`,
      );
      const { messages } = MessageListSchema.parse(list.body);
      expect(messages.map((m) => [m.role, m.author])).toEqual([
        ['user', sarah.author],
        ['assistant', null],
        ['user', ben.author],
        ['assistant', null],
      ]);
    }
  });
});
