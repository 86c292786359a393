import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { useAgentsStore } from '../stores/agents';
import { useConversationsStore } from '../stores/conversations';
import { dropHeadStarts } from '../stores/inflight';
import { useTokensStore } from '../stores/tokens';
import { agent, conversation } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { signInAs } from '../testing/identity';
import { routes } from './index';
import { prefetchRoute } from './prefetch';

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});

const resolved = (path: string) => createRouter({ history: createMemoryHistory(), routes }).resolve(path);
const paths = (requests: { method: string; url: string }[]) => requests.map((r) => `${r.method} ${r.url}`);

describe('prefetchRoute', () => {
  it("should start the page's loads, which the page's own calls then share", async () => {
    const { requests } = mockFetch({ 'GET /api/agents': json({ agents: [agent({ name: 'roi_calculator' })] }) });
    prefetchRoute(resolved('/organization'));
    expect(paths(requests)).toEqual(['GET /api/agents']);
    await flushPromises();
    // The page mounts once its code is here, after the list has arrived, and loads it "again".
    const agents = useAgentsStore();
    await agents.load();
    expect(requests).toHaveLength(1);
    expect(agents.list.map((a) => a.name)).toEqual(['roi_calculator']);
  });

  it('should fetch again once the page has rendered (a refresh button)', async () => {
    const { requests } = mockFetch({ 'GET /api/tokens': json({ tokens: [], nextCursor: null }) });
    prefetchRoute(resolved('/account/tokens'));
    await useTokensStore().load();
    dropHeadStarts();
    await useTokensStore().load();
    expect(requests).toHaveLength(2);
  });

  it('should start nothing for what is already loaded', async () => {
    const { requests } = mockFetch({ 'GET /api/agents': json({ agents: [] }) });
    await useAgentsStore().load();
    prefetchRoute(resolved('/workforce'));
    expect(paths(requests).filter((p) => p === 'GET /api/agents')).toHaveLength(1);
  });

  it("should load the open conversation's messages once, whether the page asks before or after they arrive", async () => {
    const chat = conversation();
    const { requests } = mockFetch({
      'GET /api/conversations': json({ conversations: [chat], nextCursor: null }),
      [`GET /api/conversations/${chat.id}`]: json(chat),
      [`GET /api/conversations/${chat.id}/messages`]: json({ messages: [], hasMore: false }),
    });
    prefetchRoute(resolved(`/workspace/${chat.id}`));
    await flushPromises();
    const store = useConversationsStore();
    await Promise.all([store.loadConversations(), store.fetchConversation(chat.id), store.loadMessages(chat.id)]);
    expect(paths(requests).sort()).toEqual(
      [
        'GET /api/conversations?limit=30',
        `GET /api/conversations/${chat.id}`,
        `GET /api/conversations/${chat.id}/messages?limit=200`,
      ].sort(),
    );
  });

  it('should not guess a filtered list, nor a page the person may not see', () => {
    const { requests } = mockFetch({});
    prefetchRoute(resolved('/approvals?risk=high'));
    expect(paths(requests).filter((p) => p.includes('/api/approvals'))).toEqual([]);
    signInAs('member');
    prefetchRoute(resolved('/members'));
    expect(paths(requests).filter((p) => p.includes('/api/members'))).toEqual([]);
  });
});
