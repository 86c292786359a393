import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { approval, conversation, message, uuid } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { createApiClient } from './client';
import { ApiError, isApiError } from './errors';

describe('api client', () => {
  it('should throw an ApiError with the code, message and status when the server sends an error body', async () => {
    mockFetch({
      'POST /api/conversations': json(
        {
          error: {
            code: 'conversation/invalid_title',
            message: 'title must be at most 200 characters',
            issues: [{ path: 'title', message: 'too long' }],
          },
        },
        400,
      ),
    });
    const error = await createApiClient()
      .createConversation({ title: 'x' })
      .catch((e: unknown) => e);

    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'ApiError',
      code: 'conversation/invalid_title',
      message: 'title must be at most 200 characters',
      status: 400,
      issues: [{ path: 'title', message: 'too long' }],
    });
  });

  it('should report a non-JSON error page as an http error without leaking the page', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 })),
    );
    const error = (await createApiClient()
      .getSystem()
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('http/server_error');
    expect(error.status).toBe(502);
    expect(error.message).not.toContain('<html>');
  });

  it('should report a 401 auth/unauthenticated to the app, and no other refusal', async () => {
    const expired: string[] = [];
    mockFetch({
      'GET /api/agents': json({ error: { code: 'auth/unauthenticated', message: 'Sign in again.' } }, 401),
      'POST /api/auth/login': json({ error: { code: 'auth/invalid_credentials', message: 'Wrong.' } }, 401),
      'GET /api/budgets': json({ error: { code: 'auth/forbidden', message: 'Needs admin.' } }, 403),
    });
    const client = createApiClient({ onUnauthenticated: (e) => expired.push(e.code) });
    const error = await client.listAgents().catch((e: unknown) => e);
    await client.request('POST', '/api/auth/login', z.unknown(), {}).catch(() => undefined);
    await client.request('GET', '/api/budgets', z.unknown()).catch(() => undefined);

    expect(error).toMatchObject({ code: 'auth/unauthenticated', status: 401 });
    expect(expired).toEqual(['auth/unauthenticated']);
  });

  it('should turn a network failure into a network/unreachable ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const error = (await createApiClient()
      .listAgents()
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('network/unreachable');
    expect(error.status).toBe(0);
  });

  it('should reject a success response that does not match the contract', async () => {
    mockFetch({ 'GET /api/agents': json({ agents: [{ name: 42 }] }) });
    const error = (await createApiClient()
      .listAgents()
      .catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('client/invalid_response');
    expect(error.issues[0]?.path).toMatch(/^agents\.0/);
  });

  it('should parse a valid response and send the query and body the API expects', async () => {
    const conv = conversation();
    const sent = message({ conversationId: conv.id, seq: 3, content: 'Hi' });
    const reply = message({ conversationId: conv.id, seq: 4, role: 'assistant', content: 'Hello!' });
    const { requests } = mockFetch({
      'GET /api/conversations': json({ conversations: [conv], nextCursor: 'abc' }),
      [`POST /api/conversations/${conv.id}/messages`]: json({ message: sent, reply }, 201),
      [`GET /api/conversations/${conv.id}/messages`]: json({ messages: [reply], hasMore: false }),
    });
    const client = createApiClient();

    await expect(client.listConversations({ limit: 30, cursor: 'c 1' })).resolves.toEqual({
      conversations: [conv],
      nextCursor: 'abc',
    });
    await expect(client.sendMessage(conv.id, 'Hi')).resolves.toEqual({ message: sent, reply });
    await client.listMessages(conv.id, { after: 3, limit: 200 });

    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/conversations?limit=30&cursor=c+1',
      `POST /api/conversations/${conv.id}/messages`,
      `GET /api/conversations/${conv.id}/messages?after=3&limit=200`,
    ]);
    expect(requests[1]?.body).toEqual({ content: 'Hi' });
  });

  it('should rename with PATCH, delete with DELETE and search with q', async () => {
    const conv = conversation();
    const { requests } = mockFetch({
      [`PATCH /api/conversations/${conv.id}`]: json({ ...conv, title: 'Budget 2027' }),
      [`DELETE /api/conversations/${conv.id}`]: () => ({ status: 204 }),
      'GET /api/conversations': json({ conversations: [], nextCursor: null }),
    });
    const client = createApiClient();
    await expect(client.renameConversation(conv.id, 'Budget 2027')).resolves.toMatchObject({ title: 'Budget 2027' });
    await expect(client.deleteConversation(conv.id)).resolves.toBeUndefined();
    await client.listConversations({ limit: 30, q: '50% off' });
    expect(requests.map((r) => [`${r.method} ${r.url}`, r.body, r.contentType])).toEqual([
      [`PATCH /api/conversations/${conv.id}`, { title: 'Budget 2027' }, 'application/json'],
      [`DELETE /api/conversations/${conv.id}`, undefined, 'application/json'],
      ['GET /api/conversations?limit=30&q=50%25+off', undefined, undefined],
    ]);
  });

  it('should send every change as JSON, even without a body, and reads without a content-type', async () => {
    const id = uuid();
    const m = message({ conversationId: id });
    const { requests } = mockFetch({
      [`POST /api/conversations/${id}/messages/${m.id}/retry`]: json({ message: m, reply: null }),
      [`GET /api/conversations/${id}`]: json(conversation({ id })),
    });
    const client = createApiClient();
    await client.retryReply(id, m.id).catch(() => undefined);
    await client.getConversation(id).catch(() => undefined);
    expect(requests.map((r) => [r.method, r.body, r.contentType])).toEqual([
      ['POST', undefined, 'application/json'],
      ['GET', undefined, undefined],
    ]);
  });

  it('should encode ids into the path', async () => {
    const { requests } = mockFetch({});
    await createApiClient()
      .getConversation(`${uuid()}/../agents`)
      .catch(() => undefined);
    expect(requests[0]?.url).not.toContain('/../');
  });

  it('should build the approvals query and the control, recovery and decision bodies the API expects', async () => {
    const projectId = uuid();
    const a = approval();
    const { requests } = mockFetch({
      'GET /api/approvals': json({ approvals: [a], nextCursor: null }),
      [`POST /api/approvals/${a.id}/decision`]: json({ ...a, status: 'approved' }),
      [`POST /api/projects/${projectId}/steps/finance%2Fforecast/recover`]: json(undefined),
      'GET /api/inbox': json({
        approvals: [a],
        humanSteps: [
          {
            projectId,
            projectTitle: 'Launch',
            stepKey: 'review',
            name: 'Review',
            description: 'Review the launch plan',
            assignedHuman: 'Sarah',
            collaboration: null,
            riskLevel: 'low',
            dueAt: null,
            overdue: false,
            lastRemindedAt: null,
            waitingSince: '2020-01-01T00:00:00.000Z',
          },
        ],
      }),
    });
    const client = createApiClient();
    await client.listApprovals({ status: 'pending', riskLevel: 'high', department: null, projectId, limit: 50 });
    await client.decideApproval(a.id, 'approve');
    await client.recoverStep(projectId, 'finance/forecast', { action: 'retry' });
    const inbox = await client.getInbox();

    expect(requests.map((r) => r.url)).toEqual([
      `/api/approvals?status=pending&projectId=${projectId}&riskLevel=high&limit=50`,
      `/api/approvals/${a.id}/decision`,
      `/api/projects/${projectId}/steps/finance%2Fforecast/recover`,
      '/api/inbox',
    ]);
    expect(requests[1]?.body).toEqual({ decision: 'approve' });
    expect(requests[2]?.body).toEqual({ action: 'retry' });
    expect(inbox.humanSteps[0]).toMatchObject({
      assignedHuman: 'Sarah',
      collaboration: null,
      dueAt: null,
      overdue: false,
    });
  });

  it('should stop downloading a step result once it has read the most it may hold', async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = new TextEncoder().encode('a'.repeat(100));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(body, { headers: { 'Content-Type': 'text/plain' } })),
    );

    const result = await createApiClient().getStepResult(uuid(), 'report', { maxBytes: 250 });

    expect(result).toMatchObject({ loadedBytes: 250, truncated: true, totalBytes: null, contentType: 'text/plain' });
    expect(result.text).toBe('a'.repeat(250));
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });
});
