import { Writable } from 'node:stream';
import type { Message, ProjectDetail } from '@orchestrator/contracts';
import { ScriptedChatModel } from '@orchestrator/core';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { createLogger } from '../src/logger.js';
import { api, copyOfAgents, testDatabase } from './harness.js';

/** Key-shaped: found by its shape. */
const ECHOED_KEY = 'sk-proj-e2eLeakTest1234567890abcdefXYZ';
/** Not key-shaped: found because it is the configured OPENAI_API_KEY. */
const CONFIGURED_KEY = 'gateway-e2e-configured-0987654321';
const PASTED_KEY = 'sk-ant-api03-pastedByAUser_1234567890abcdef';

/** What OpenAI answers to a wrong key, echoing it (with the configured one for good measure). */
const providerError = () =>
  Object.assign(new Error(`401 Incorrect API key provided: ${ECHOED_KEY}. Gateway key ${CONFIGURED_KEY} refused.`), {
    status: 401,
  });

let db: TestDatabase;
let baseUrl: string;
let close: () => Promise<void>;
let pool: pg.Pool;
const logLines: string[] = [];

beforeAll(async () => {
  db = await testDatabase();
  // The build deploys nothing here, but works on a copy of agents/ all the same.
  const agentsDir = await copyOfAgents();
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    OFFLINE_STREAM_DELAY_MS: '0',
    WEB_DIST_DIR: '/nonexistent',
    AGENTS_DIR: agentsDir,
    AGENTS_WATCH: 'false',
    STEP_BACKOFF_BASE_MS: '1',
    OPENAI_API_KEY: CONFIGURED_KEY,
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const model = new ScriptedChatModel(Array.from({ length: 1000 }, providerError));
  const app = await createApp({
    config,
    logger: createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: false }, sink),
    llm: { info: { provider: 'openai', model: 'gpt-test', offline: false }, chatModel: model },
  });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  close = () => app.close();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await close?.();
  await db?.drop();
});

async function chat(content: string): Promise<{ conversationId: string; message: Message; reply: Message }> {
  const conversationId = (await api(baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const res = await api(baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, { content });
  expect(res.status).toBe(201);
  return { conversationId, message: res.body.message as Message, reply: res.body.reply as Message };
}

async function waitFor<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every stored text column where a key could land, as one string per row. */
async function storedTexts(): Promise<string[]> {
  const { rows } = await pool.query<{ text: string }>(
    `select content as text from messages
     union all select message || ' ' || coalesce(details::text, '') from project_errors
     union all select coalesce(error, '') || ' ' || coalesce(array_to_string(draft_notes, ' '), '') || ' ' ||
                      coalesce(validation::text, '') from agent_builds
     union all select preview::text from pending_approvals
     union all select coalesce(last_error, '') from agent_circuits
     union all select encode(blob, 'escape') from checkpoints.blobs where blob is not null
     union all select encode(blob, 'escape') from checkpoints.writes`,
  );
  return rows.map((r) => r.text);
}

const leaks = (texts: string[]) =>
  texts.filter((t) => [ECHOED_KEY, CONFIGURED_KEY, PASTED_KEY].some((k) => t.includes(k)));

describe('secrets in errors, stored text and logs', () => {
  it('should store and show a failed chat delegation without the key the provider echoed', async () => {
    const { reply } = await chat('Write a blog post about our product launch');
    expect(reply.role).toBe('system');
    expect(reply.content).not.toContain(ECHOED_KEY);
    expect(reply.content).not.toContain(CONFIGURED_KEY);
    expect(reply.metadata).toMatchObject({ error: 'llm/auth_failed' });
  });

  it('should store a pasted key redacted and warn about it when a person pastes one into the chat', async () => {
    const { message } = await chat(`Here is our key ${PASTED_KEY} for the CFO`);
    expect(message.content).toBe('Here is our key [redacted] for the CFO');
    expect(message.metadata.secretsRedacted).toBe(1);
  });

  it('should keep the key out of the agent build error and notes when the build model fails', async () => {
    const { conversationId, reply } = await chat('We need an agent that reviews legal contracts for risky clauses');
    const buildId = reply.metadata.agentBuildId as string;
    expect(buildId).toBeDefined();
    const build = await waitFor(async () => {
      const { rows } = await pool.query<{ status: string; error: string | null; draft_notes: string[] | null }>(
        'select status, error, draft_notes from agent_builds where id = $1',
        [buildId],
      );
      return rows[0] && ['failed', 'awaiting_approval'].includes(rows[0].status) ? rows[0] : undefined;
    }, 'the build to end');
    expect(build.status).toBe('failed');
    expect(build.error).toContain('[redacted]');
    expect(build.draft_notes?.join(' ')).toContain('Incorrect API key provided: [redacted]');
    const messages = (await api(baseUrl, 'GET', `/api/conversations/${conversationId}/messages`)).body
      .messages as Message[];
    expect(messages.some((m) => m.content.includes('[redacted]'))).toBe(true);
  });

  it('should record a failed project step without the key when its model fails', async () => {
    const { reply } = await chat('Plan a product launch campaign for our new mobile app');
    const project = reply.metadata.project as { id: string; version: number };
    expect(
      (await api(baseUrl, 'POST', `/api/projects/${project.id}/approve`, { version: project.version })).status,
    ).toBe(200);
    const errors = await waitFor(async () => {
      const d = (await api(baseUrl, 'GET', `/api/projects/${project.id}`)).body as ProjectDetail;
      if (d.status === 'running') return undefined;
      const { rows } = await pool.query<{ message: string }>(
        'select message from project_errors where project_id = $1',
        [project.id],
      );
      return rows.length > 0 ? rows : undefined;
    }, 'the step to fail');
    expect(errors.map((e) => e.message)).toContain(
      '401 Incorrect API key provided: [redacted]. Gateway key [redacted] refused.',
    );
  });

  it('should leave no key in any stored text or log line when everything above failed', async () => {
    expect(leaks(await storedTexts())).toEqual([]);
    expect(leaks(logLines)).toEqual([]);
    expect(logLines.some((l) => l.includes('Incorrect API key provided: [redacted]'))).toBe(true);
  });
});
