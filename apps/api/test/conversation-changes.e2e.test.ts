/**
 * The titles new conversations get (docs/api.md "Conversation titles"), against the real app on
 * real Postgres.
 */
import type { Conversation, Message } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase, type TestApp } from './harness.js';

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
