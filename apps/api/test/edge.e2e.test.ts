/**
 * The input classes the fuzz found as 500s, one deterministic case each (docs/api.md "What is
 * validated where"): malformed path ids and step keys, cursors Postgres refuses, text Postgres
 * cannot store, bodies that are not JSON, malformed socket payloads.
 */
import type { EventRejected, Message } from '@orchestrator/contracts';
import type { TestDatabase } from '@orchestrator/db/testing';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectSocket, startApp, testDatabase, type TestApp } from './harness.js';

let db: TestDatabase;
let app: TestApp;
let pool: pg.Pool;
let conversationId: string;
let projectId: string;

beforeAll(async () => {
  db = await testDatabase();
  app = await startApp(db.url);
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  conversationId = (await api(app.baseUrl, 'POST', '/api/conversations', {})).body.id as string;
  const reply = (
    await api(app.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
      content: 'Plan the hiring of a senior data engineer over the next two months',
    })
  ).body.reply as Message;
  projectId = (reply.metadata.project as { id: string }).id;
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
  await db?.drop();
});

async function rowCounts(): Promise<string> {
  const { rows } = await pool.query<{ n: string }>(
    `select (select count(*) from conversations) + (select count(*) from messages)
          + (select count(*) from projects) + (select count(*) from audit_log) as n`,
  );
  return rows[0]!.n;
}

/** A request with a raw body and content-type, as a form or a script on another site would send it. */
async function raw(method: string, path: string, contentType: string | undefined, body: string | undefined) {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
}

describe('path parameters', () => {
  it.each(['pause', 'resume', 'cancel', 'abort', 'approve', 'rollback', 'steps', 'errors', 'checkpoints'])(
    'should answer 404 naming the id when /api/projects/:id/%s has an id that is not a UUID',
    async (action) => {
      const method = ['steps', 'errors', 'checkpoints'].includes(action) ? 'GET' : 'POST';
      const before = await rowCounts();
      const res = await api(
        app.baseUrl,
        method,
        `/api/projects/not-a-uuid/${action}`,
        method === 'GET' ? undefined : {},
      );
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'project/not_found', issues: [{ path: 'id' }] });
      expect(await rowCounts()).toBe(before);
    },
  );

  it.each([
    ['GET', '/api/approvals/x', 'approval/not_found'],
    ['POST', '/api/delegations/x/rating', 'delegation/not_found'],
    ['GET', '/api/agent-builds/x', 'agent_build/not_found'],
    ['POST', '/api/improvements/x/restore', 'improvement/not_found'],
    ['DELETE', '/api/budgets/x', 'budget/not_found'],
    ['GET', '/api/budgets/projects/x/limits', 'project/not_found'],
  ])('should answer 404 with the resource code when %s %s has a malformed id', async (method, path, code) => {
    const res = await api(app.baseUrl, method, path, method === 'GET' ? undefined : { rating: 5 });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.issues[0].path).toMatch(/^(id|projectId)$/);
  });

  it('should decode a step key once so a percent sign is a step that does not exist, not a 500', async () => {
    for (const key of ['%25', '%2525', 'a%25b']) {
      const res = await api(app.baseUrl, 'POST', `/api/projects/${projectId}/steps/${key}/recover`, {
        action: 'retry',
      });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'project/not_found', issues: [{ path: 'stepKey' }] });
    }
    const result = await api(app.baseUrl, 'GET', `/api/projects/${projectId}/steps/%25E0%25A4%25A/result`);
    expect(result.status).toBe(404);
  });

  it('should answer 400 when a path segment is not valid UTF-8', async () => {
    const res = await api(app.baseUrl, 'GET', '/api/projects/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request/invalid');
  });
});

describe('cursors', () => {
  // Each of these passes Date.parse; none is a timestamptz Postgres accepts (or one this API wrote).
  const cursors = ['1', 'Feb 30 2024', '+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00.000Z', 'Jan 1 10000'].map(
    (at) => Buffer.from(JSON.stringify([at, '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
  );

  it.each(['/api/conversations', '/api/projects', '/api/approvals', '/api/audit', '/api/agent-builds'])(
    'should answer 400 naming the cursor when %s gets a cursor Postgres would refuse',
    async (list) => {
      for (const cursor of cursors) {
        const res = await api(app.baseUrl, 'GET', `${list}?cursor=${cursor}`);
        expect(res.status, `${list} ${cursor}`).toBe(400);
        expect(res.body.error.issues).toEqual([{ path: 'cursor', message: 'not a cursor returned by this API' }]);
      }
    },
  );

  it('should still accept the cursors the API returns', async () => {
    await api(app.baseUrl, 'POST', '/api/conversations', {});
    const first = await api(app.baseUrl, 'GET', '/api/conversations?limit=1');
    const next = await api(app.baseUrl, 'GET', `/api/conversations?limit=1&cursor=${first.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect(next.body.conversations[0].id).not.toBe(first.body.conversations[0].id);
  });
});

describe('text the database cannot store', () => {
  it.each([
    ['a NUL in a message', `/api/conversations/:c/messages`, { content: 'hello\u0000world' }, 'content'],
    ['a lone surrogate in a title', '/api/conversations', { title: 'broken \ud800 title' }, 'title'],
    [
      'a NUL in an approval note',
      '/api/approvals/00000000-0000-4000-8000-000000000000/decision',
      { decision: 'approve', notes: 'x\u0000' },
      'notes',
    ],
    [
      'a NUL deep in a JSON body',
      '/api/projects/:p/pause',
      { reason: 'ok', deep: [{ a: { b: ['\u0000'] } }] },
      'deep.0.a.b.0',
    ],
    ['a NUL in a key', '/api/projects/:p/pause', { 'bad\u0000key': 1 }, 'bad?key'],
  ])('should answer 400 naming the field and write nothing when a body has %s', async (_what, path, body, field) => {
    const before = await rowCounts();
    const res = await api(app.baseUrl, 'POST', path.replace(':c', conversationId).replace(':p', projectId), body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request/invalid');
    expect(res.body.error.issues[0].path).toBe(field);
    expect(await rowCounts()).toBe(before);
  });

  it('should answer 400 naming the parameter when a query value or a path segment holds a NUL', async () => {
    const query = await api(app.baseUrl, 'GET', '/api/audit?actor=a%00b');
    expect(query.status).toBe(400);
    expect(query.body.error.issues[0]).toMatchObject({ path: 'actor' });
    const segment = await api(app.baseUrl, 'POST', '/api/budgets/circuits/a%00b/reset');
    expect(segment.status).toBe(400);
    expect(segment.body.error.issues[0]).toMatchObject({ path: 'agent' });
  });
});

describe('media types', () => {
  it('should answer 415 and create nothing when a body is not JSON', async () => {
    const before = await rowCounts();
    for (const [type, body] of [
      ['text/plain', ''],
      ['text/plain', '{"title":"x"}'],
      ['application/x-www-form-urlencoded', 'title=x'],
      ['multipart/form-data; boundary=x', '--x--'],
      [undefined, '{"title":"x"}'],
    ] as const) {
      const res = await raw('POST', '/api/conversations', type, body);
      expect(res.status, `${type} ${body}`).toBe(415);
      expect(res.body.error.code).toBe('request/unsupported_media_type');
    }
    expect(await rowCounts()).toBe(before);
  });

  it('should accept JSON with a charset, and a POST that says JSON with no body where the route needs none', async () => {
    expect((await raw('POST', '/api/conversations', 'application/json; charset=utf-8', '{}')).status).toBe(201);
    expect((await raw('POST', '/api/conversations', 'application/json', undefined)).status).toBe(201);
    // Without the content-type it could be a cross-site form (docs/security.md).
    expect((await raw('POST', '/api/conversations', undefined, undefined)).status).toBe(415);
  });

  it('should answer 415 when a JSON body is in a charset other than UTF-8', async () => {
    const res = await raw('POST', '/api/conversations', 'application/json; charset=latin1', '{}');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('request/unsupported_media_type');
  });
});

describe('socket payloads', () => {
  let socket: Socket;
  beforeAll(async () => {
    socket = await connectSocket(app.baseUrl);
  });
  afterAll(() => {
    socket?.disconnect();
  });

  it('should ack request/invalid naming the field and store nothing when a message holds a NUL', async () => {
    const before = await rowCounts();
    const ack = await socket.emitWithAck('message.send', { conversationId, content: 'hi\u0000' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'request/invalid', issues: [{ path: 'content' }] } });
    expect(await rowCounts()).toBe(before);
  });

  it('should ack an error for payloads of the wrong shape and keep the socket open', async () => {
    for (const args of [[], ['x'], [null], [{ conversationId }, 'extra'], [[1, 2]]]) {
      const ack = await socket.emitWithAck('conversation.join', ...args);
      expect(ack).toMatchObject({ ok: false, error: { code: 'request/invalid' } });
    }
    expect(socket.connected).toBe(true);
  });

  it('should send event.rejected when a refused event came without an ack', async () => {
    const rejected = new Promise<EventRejected>((resolve) => socket.once('event.rejected', resolve));
    socket.emit('message.send', { conversationId: 'nope' });
    expect(await rejected).toMatchObject({ event: 'message.send', error: { code: 'request/invalid' } });
  });
});
