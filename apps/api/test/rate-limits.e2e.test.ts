/**
 * Rate limits per caller (docs/security.md, "Rate limits"): every route but the health checks,
 * a stricter one for chat over REST and socket together, and counters shared by processes.
 */
import type { TestDatabase } from '@orchestrator/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
const apps: TestApp[] = [];

beforeAll(async () => {
  db = await testDatabase();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});
afterAll(async () => {
  await db?.drop();
});

async function start(env: Record<string, string>): Promise<TestApp> {
  const app = await startApp(db.url, env);
  apps.push(app);
  return app;
}

const get = (app: TestApp, path: string) => fetch(`${app.baseUrl}${path}`);

async function expectLimited(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await res.json()) as { error: { code: string; details: { retryAfterSeconds: number } } };
  expect(body.error.code).toBe('request/rate_limited');
  expect(body.error.details.retryAfterSeconds).toBe(retryAfter);
}

describe('rate limits', () => {
  it('should answer 429 with Retry-After past the limit, on any route, and never limit the health checks', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '5' });
    for (const path of ['/api/projects', '/api/agents', '/api/approvals', '/api/conversations', '/api/system'])
      expect((await get(app, path)).status, path).toBe(200);
    await expectLimited(await get(app, '/api/projects'));
    // Counted per caller across routes: another route is over the limit too.
    await expectLimited(await get(app, '/api/budgets'));
    for (let i = 0; i < 10; i++) expect((await get(app, '/health/ready')).status).toBe(200);
  });

  it('should hold chat to its own, stricter limit over REST and the socket together', async () => {
    const app = await start({ CHAT_RATE_LIMIT_PER_MINUTE: '3' });
    const { body: conversation } = await api(app.baseUrl, 'POST', '/api/conversations', {});
    const send = () =>
      fetch(`${app.baseUrl}/api/conversations/${conversation.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'Who reports to the CMO?' }),
      });
    expect((await send()).status).toBe(201);
    const socket = await connectSocket(app.baseUrl);
    try {
      const ack = await socket.timeout(30_000).emitWithAck('message.send', {
        conversationId: conversation.id,
        content: 'Who reports to the CFO?',
      });
      expect(ack).toMatchObject({ ok: true });
      await expectLimited(await send());
      const refused = await socket.timeout(10_000).emitWithAck('message.send', {
        conversationId: conversation.id,
        content: 'And the CTO?',
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'request/rate_limited' } });
    } finally {
      socket.close();
    }
    // Reading is not chatting: still allowed.
    expect((await get(app, `/api/conversations/${conversation.id}/messages`)).status).toBe(200);
  });

  it('should share the counters between processes with RATE_LIMIT_STORE=postgres', async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '4', RATE_LIMIT_STORE: 'postgres' };
    const [a, b] = [await start(env), await start(env)];
    for (const app of [a, b, a, b]) expect((await get(app!, '/api/projects')).status).toBe(200);
    await expectLimited(await get(a!, '/api/projects'));
    await expectLimited(await get(b!, '/api/projects'));
  });
});
