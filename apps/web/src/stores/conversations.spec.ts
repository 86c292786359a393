import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { conversation, message, uuid } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { useConversationsStore } from './conversations';

beforeEach(() => {
  setActivePinia(createPinia());
});

function contents(store: ReturnType<typeof useConversationsStore>, id: string) {
  return store.timeline(id).map((item) => [item.role, item.state, item.content]);
}

describe('conversations store: streaming replies', () => {
  it('should show a reply chunk by chunk and replace the draft with the stored message', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const replyId = uuid();
    store.upsertMessage(message({ conversationId, seq: 1, content: 'Who reports to the CFO?' }));

    store.applyReplyStarted({ conversationId, messageId: replyId, offline: true });
    expect(store.isReplying(conversationId)).toBe(true);
    store.applyDelta({ conversationId, messageId: replyId, index: 0, delta: 'The ' });
    store.applyDelta({ conversationId, messageId: replyId, index: 1, delta: 'controller' });
    expect(contents(store, conversationId)).toEqual([
      ['user', 'stored', 'Who reports to the CFO?'],
      ['assistant', 'streaming', 'The controller'],
    ]);
    expect(store.timeline(conversationId)[1]?.offline).toBe(true);

    store.upsertMessage(
      message({
        id: replyId,
        conversationId,
        seq: 2,
        role: 'assistant',
        content: 'The controller and the accountant.',
        metadata: { offline: true },
      }),
    );
    expect(contents(store, conversationId)).toEqual([
      ['user', 'stored', 'Who reports to the CFO?'],
      ['assistant', 'stored', 'The controller and the accountant.'],
    ]);
    expect(store.isReplying(conversationId)).toBe(false);
    expect(store.timeline(conversationId)[1]?.key).toBe(replyId);
  });

  it('should order deltas by index even when they arrive out of order or twice', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const messageId = uuid();
    store.applyReplyStarted({ conversationId, messageId, offline: false });
    store.applyDelta({ conversationId, messageId, index: 2, delta: 'C' });
    store.applyDelta({ conversationId, messageId, index: 0, delta: 'A' });
    store.applyDelta({ conversationId, messageId, index: 1, delta: 'B' });
    store.applyDelta({ conversationId, messageId, index: 1, delta: 'B' });
    expect(store.timeline(conversationId)[0]?.content).toBe('ABC');
  });

  it('should ignore deltas and reply.started that arrive after the final message', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const final = message({ conversationId, seq: 2, role: 'assistant', content: 'Done.' });
    store.upsertMessage(final);
    store.applyReplyStarted({ conversationId, messageId: final.id, offline: false });
    store.applyDelta({ conversationId, messageId: final.id, index: 0, delta: 'Do' });
    expect(contents(store, conversationId)).toEqual([['assistant', 'stored', 'Done.']]);
  });

  it('should start a draft from a delta whose reply.started was missed', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    store.applyDelta({ conversationId, messageId: uuid(), index: 0, delta: 'Hi' });
    expect(contents(store, conversationId)).toEqual([['assistant', 'streaming', 'Hi']]);
  });

  it('should mark a draft failed with the error on reply.failed', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const messageId = uuid();
    store.applyReplyStarted({ conversationId, messageId, offline: false });
    store.applyReplyFailed({
      conversationId,
      messageId,
      error: { code: 'llm/timeout', message: 'The model timed out.' },
    });
    const item = store.timeline(conversationId)[0];
    expect(item?.state).toBe('failed');
    expect(item?.error).toBe('The model timed out.');
    expect(store.isReplying(conversationId)).toBe(false);
  });
});

describe('conversations store: messages', () => {
  it('should keep one copy of a message delivered twice and sort by seq', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const first = message({ conversationId, seq: 1, content: 'one' });
    const second = message({ conversationId, seq: 2, content: 'two', role: 'assistant' });
    store.upsertMessage(second);
    store.upsertMessage(first);
    store.upsertMessage({ ...first });
    store.upsertMessage(second);
    expect(contents(store, conversationId)).toEqual([
      ['user', 'stored', 'one'],
      ['assistant', 'stored', 'two'],
    ]);
    expect(store.maxSeq(conversationId)).toBe(2);
  });

  it('should catch up from the highest seq seen and merge without duplicates', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const m1 = message({ conversationId, seq: 1, content: 'a' });
    const m2 = message({ conversationId, seq: 2, content: 'b', role: 'assistant' });
    const m3 = message({ conversationId, seq: 3, content: 'c' });
    const m4 = message({ conversationId, seq: 4, content: 'd', role: 'assistant' });
    const m5 = message({ conversationId, seq: 5, content: 'e' });
    const path = `/api/conversations/${conversationId}/messages`;
    const { requests } = mockFetch({
      [`GET ${path}`]: ({ url }) => {
        const after = Number(new URL(url, 'http://x').searchParams.get('after') ?? 0);
        if (after === 0) return { body: { messages: [m1, m2], hasMore: false } };
        // The server may resend what we have (m2); a second page follows (hasMore).
        if (after === 2) return { body: { messages: [m2, m3, m4], hasMore: true } };
        return { body: { messages: [m5], hasMore: false } };
      },
    });

    await store.loadMessages(conversationId);
    expect(store.messageState[conversationId]).toBe('ready');
    store.upsertMessage(m2); // e.g. also arrived over the socket

    await store.catchUp(conversationId);
    expect(contents(store, conversationId).map((row) => row[2])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(requests.map((r) => r.url)).toEqual([
      `${path}?limit=200`,
      `${path}?after=2&limit=200`,
      `${path}?after=4&limit=200`,
    ]);
  });

  it('should keep the messages and report the error when loading fails', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    mockFetch({
      [`GET /api/conversations/${conversationId}/messages`]: json(
        { error: { code: 'conversation/not_found', message: 'No such conversation.' } },
        404,
      ),
    });
    await store.loadMessages(conversationId);
    expect(store.messageState[conversationId]).toBe('error');
    expect(store.messageErrors[conversationId]).toMatchObject({ code: 'conversation/not_found', status: 404 });
  });
});

describe('conversations store: sending', () => {
  it('should store the message and the reply from the response and move the conversation to the top', async () => {
    const store = useConversationsStore();
    const older = conversation({ title: 'Older' });
    const target = conversation({ title: 'Target' });
    const sent = message({ conversationId: target.id, seq: 1, content: 'Hi', createdAt: '2026-11-21T09:00:00.000Z' });
    const reply = message({
      conversationId: target.id,
      seq: 2,
      role: 'assistant',
      content: 'Hello',
      createdAt: '2026-11-21T09:00:01.000Z',
    });
    mockFetch({
      'GET /api/conversations': json({ conversations: [older, target], nextCursor: null }),
      [`POST /api/conversations/${target.id}/messages`]: json({ message: sent, reply }, 201),
    });
    await store.loadConversations();

    const ok = await store.sendMessage(target.id, 'Hi');

    expect(ok).toBe(true);
    expect(contents(store, target.id)).toEqual([
      ['user', 'stored', 'Hi'],
      ['assistant', 'stored', 'Hello'],
    ]);
    expect(store.list.map((c) => c.title)).toEqual(['Target', 'Older']);
    expect(store.sending[target.id]).toBe(false);
  });

  it('should keep the failed content for a retry and show the API error', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    let fail = true;
    const sent = message({ conversationId, seq: 1, content: 'Plan Q3' });
    const reply = message({ conversationId, seq: 2, role: 'assistant', content: 'Here is a plan.' });
    mockFetch({
      [`POST /api/conversations/${conversationId}/messages`]: () =>
        fail
          ? {
              status: 429,
              body: { error: { code: 'rate_limit/exceeded', message: 'Too many messages, wait a minute.' } },
            }
          : { status: 201, body: { message: sent, reply } },
      [`GET /api/conversations/${conversationId}/messages`]: json({ messages: [], hasMore: false }),
    });

    expect(await store.sendMessage(conversationId, 'Plan Q3')).toBe(false);
    expect(store.sendErrors[conversationId]?.error.message).toBe('Too many messages, wait a minute.');
    expect(store.sendErrors[conversationId]?.content).toBe('Plan Q3');
    expect(store.timeline(conversationId)).toEqual([]);

    fail = false;
    expect(await store.retrySend(conversationId)).toBe(true);
    expect(store.sendErrors[conversationId]).toBeUndefined();
    expect(contents(store, conversationId).map((row) => row[2])).toEqual(['Plan Q3', 'Here is a plan.']);
  });

  it('should show the message as pending until the server stores it', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    let respond: (value: { status: number; body: unknown }) => void = () => undefined;
    mockFetch({
      [`POST /api/conversations/${conversationId}/messages`]: () => new Promise((resolve) => (respond = resolve)),
    });
    const sending = store.sendMessage(conversationId, 'Hello there');
    expect(contents(store, conversationId)).toEqual([['user', 'pending', 'Hello there']]);

    // The socket delivers the stored user message first: the pending copy goes away.
    const stored = message({ conversationId, seq: 1, content: 'Hello there' });
    store.upsertMessage(stored);
    expect(contents(store, conversationId)).toEqual([['user', 'stored', 'Hello there']]);

    respond({
      status: 201,
      body: { message: stored, reply: message({ conversationId, seq: 2, role: 'assistant', content: 'Hi!' }) },
    });
    await sending;
    expect(contents(store, conversationId).map((row) => row[1])).toEqual(['stored', 'stored']);
  });
});

describe('conversations store: list', () => {
  it('should load pages with the cursor and skip conversations already listed', async () => {
    const store = useConversationsStore();
    const a = conversation({ title: 'A' });
    const b = conversation({ title: 'B' });
    const c = conversation({ title: 'C' });
    const { requests } = mockFetch({
      'GET /api/conversations': ({ url }) =>
        url.includes('cursor=')
          ? { body: { conversations: [b, c], nextCursor: null } }
          : { body: { conversations: [a, b], nextCursor: 'page-2' } },
    });
    await store.loadConversations();
    expect(store.hasMore).toBe(true);
    await store.loadMoreConversations();
    expect(store.list.map((x) => x.title)).toEqual(['A', 'B', 'C']);
    expect(store.hasMore).toBe(false);
    expect(requests.map((r) => r.url)).toEqual([
      '/api/conversations?limit=30',
      '/api/conversations?limit=30&cursor=page-2',
    ]);
  });

  it('should share one request between concurrent loads', async () => {
    const store = useConversationsStore();
    const { fetchMock } = mockFetch({ 'GET /api/conversations': json({ conversations: [], nextCursor: null }) });
    await Promise.all([store.loadConversations(), store.loadConversations()]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(store.listState).toBe('ready');
  });

  it('should put a created conversation at the top', async () => {
    const store = useConversationsStore();
    const existing = conversation({ title: 'Existing' });
    const created = conversation({ title: 'Who reports to the CFO?' });
    const { requests } = mockFetch({
      'GET /api/conversations': json({ conversations: [existing], nextCursor: null }),
      'POST /api/conversations': json(created, 201),
    });
    await store.loadConversations();
    await store.createForMessage('Who reports to the CFO?\nAnd the CTO?');
    expect(store.list.map((x) => x.title)).toEqual(['Who reports to the CFO?', 'Existing']);
    expect(requests[1]?.body).toEqual({ title: 'Who reports to the CFO?' });
  });
});

describe('conversations store: replies cut off or failed', () => {
  it('should offer Retry on a failure notice, answer the same message on Retry and then drop the offer', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const sent = message({ conversationId, seq: 1, content: 'Who reports to the CFO?' });
    store.upsertMessage(sent);
    store.upsertMessage(
      message({
        conversationId,
        seq: 2,
        role: 'system',
        content: 'The server stopped while answering this message.',
        metadata: { error: 'orchestrator/interrupted', replyTo: sent.id },
      }),
    );
    expect(store.timeline(conversationId)[1]?.retry).toEqual({ messageId: sent.id, busy: false, error: null });

    const reply = message({
      conversationId,
      seq: 3,
      role: 'assistant',
      content: 'The controller reports to the CFO.',
      metadata: { replyTo: sent.id },
    });
    const { requests } = mockFetch({
      [`POST /api/conversations/${conversationId}/messages/${sent.id}/retry`]: json({ message: sent, reply }, 201),
    });
    const retrying = store.retryReply(conversationId, sent.id);
    expect(store.timeline(conversationId)[1]?.retry?.busy).toBe(true);
    expect(await retrying).toBe(true);

    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST /api/conversations/${conversationId}/messages/${sent.id}/retry`,
    ]);
    expect(contents(store, conversationId).map((row) => row[0])).toEqual(['user', 'system', 'assistant']);
    expect(store.timeline(conversationId)[1]?.retry).toBeNull();
  });

  it('should show why a Retry failed and keep the offer', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const sent = message({ conversationId, seq: 1 });
    store.upsertMessage(sent);
    store.upsertMessage(
      message({ conversationId, seq: 2, role: 'system', metadata: { error: 'llm/timeout', replyTo: sent.id } }),
    );
    mockFetch({
      [`POST /api/conversations/${conversationId}/messages/${sent.id}/retry`]: json(
        { error: { code: 'conversation/reply_in_progress', message: 'This message is being answered right now.' } },
        409,
      ),
    });
    expect(await store.retryReply(conversationId, sent.id)).toBe(false);
    expect(store.timeline(conversationId)[1]?.retry).toEqual({
      messageId: sent.id,
      busy: false,
      error: 'This message is being answered right now.',
    });
  });

  it('should not offer to send again when the server stored the message before the request failed', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    store.upsertMessage(message({ conversationId, seq: 1, content: 'Earlier' }));
    store.messageState[conversationId] = 'ready';
    const stored = message({ conversationId, seq: 2, content: 'Plan Q3' });
    mockFetch({
      [`POST /api/conversations/${conversationId}/messages`]: () => {
        throw new TypeError('Failed to fetch');
      },
      [`GET /api/conversations/${conversationId}/messages`]: json({ messages: [stored], hasMore: false }),
    });

    expect(await store.sendMessage(conversationId, 'Plan Q3')).toBe(false);
    expect(store.sendErrors[conversationId]).toBeUndefined();
    expect(contents(store, conversationId).map((row) => row[2])).toEqual(['Earlier', 'Plan Q3']);
  });

  it('should restart a reply draft from its first chunk when the reply streams again after a restart', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const messageId = uuid();
    store.applyReplyStarted({ conversationId, messageId, offline: true });
    store.applyDelta({ conversationId, messageId, index: 0, delta: 'Half ' });
    store.applyDelta({ conversationId, messageId, index: 1, delta: 'a reply' });
    store.applyReplyStarted({ conversationId, messageId, offline: true });
    store.applyDelta({ conversationId, messageId, index: 0, delta: 'Whole' });
    expect(store.timeline(conversationId)[0]?.content).toBe('Whole');
  });
});

describe('conversations store: renaming and deleting', () => {
  it('should keep the renamed conversation where it was in the list', async () => {
    const [first, second] = [conversation({ title: 'First' }), conversation({ title: 'Second' })];
    mockFetch({
      'GET /api/conversations': json({ conversations: [first, second], nextCursor: null }),
      [`PATCH /api/conversations/${second.id}`]: json({ ...second, title: 'Renamed' }),
    });
    const store = useConversationsStore();
    await store.loadConversations();
    await store.renameConversation(second.id, 'Renamed');
    expect(store.list.map((c) => c.title)).toEqual(['First', 'Renamed']);
  });

  it('should forget a deleted conversation and its messages, also one someone else deleted first', async () => {
    const [gone, goneElsewhere] = [conversation(), conversation()];
    mockFetch({
      'GET /api/conversations': json({ conversations: [gone, goneElsewhere], nextCursor: null }),
      [`DELETE /api/conversations/${gone.id}`]: () => ({ status: 204 }),
      [`DELETE /api/conversations/${goneElsewhere.id}`]: json(
        { error: { code: 'conversation/not_found', message: 'Not found.' } },
        404,
      ),
    });
    const store = useConversationsStore();
    await store.loadConversations();
    store.upsertMessage(message({ conversationId: gone.id, content: 'Bye' }));
    await store.deleteConversation(gone.id);
    await store.deleteConversation(goneElsewhere.id);
    expect(store.list).toEqual([]);
    expect(store.byId[gone.id]).toBeUndefined();
    expect(store.timeline(gone.id)).toEqual([]);
  });

  it('should keep a conversation whose delete failed', async () => {
    const kept = conversation();
    mockFetch({
      'GET /api/conversations': json({ conversations: [kept], nextCursor: null }),
      [`DELETE /api/conversations/${kept.id}`]: json({ error: { code: 'internal/error', message: 'Boom.' } }, 500),
    });
    const store = useConversationsStore();
    await store.loadConversations();
    await expect(store.deleteConversation(kept.id)).rejects.toThrow('Boom.');
    expect(store.list).toEqual([kept]);
  });
});
