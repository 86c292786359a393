import type { Message } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startApp, testDatabase } from './harness.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('restart', () => {
  it('should keep the conversation and its graph memory across a restart', async () => {
    const first = await startApp(db.url);
    const { body } = await api(first.baseUrl, 'POST', '/api/conversations', {});
    const id = body.id as string;
    await api(first.baseUrl, 'POST', `/api/conversations/${id}/messages`, { content: 'Who reports to the CMO?' });
    await first.close();

    const second = await startApp(db.url);
    try {
      const list = await api(second.baseUrl, 'GET', `/api/conversations/${id}/messages`);
      expect(list.body.messages.map((m: Message) => m.role)).toEqual(['user', 'assistant']);
      // "and the CTO?" only makes sense with the previous turn, which lives in the Postgres checkpoint.
      const followUp = await api(second.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
        content: 'and the CTO?',
      });
      expect(followUp.body.reply.content).toContain('engineering_manager_orchestrator');
    } finally {
      await second.close();
    }
  });
});
