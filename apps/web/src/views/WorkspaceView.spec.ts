import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';
import { disposeSocket, useSocket } from '../composables/useSocket';
import { routes } from '../router';
import { conversation, delegation, message, planVersion, projectDetail } from '../testing/factories';
import { FakeSocket } from '../testing/fakeSocket';
import { json, mockFetch } from '../testing/fetchMock';
import { mountWithPrime } from '../testing/mount';
import { signInAs } from '../testing/identity';

let fake: FakeSocket;

beforeEach(() => {
  const pinia = createPinia();
  setActivePinia(pinia);
  signInAs('member');
  fake = new FakeSocket();
  useSocket({ createSocket: () => fake.asSocket() });
});
afterEach(() => disposeSocket());

async function mountAt(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path);
  await router.isReady();
  const Shell = defineComponent({ render: () => h(RouterView) });
  const wrapper = mountWithPrime(Shell, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

describe('WorkspaceView', () => {
  it('should show the empty state and create a conversation on the first send', async () => {
    const created = conversation({ title: 'Who reports to the CFO?' });
    const sent = message({ conversationId: created.id, seq: 1, content: 'Who reports to the CFO?' });
    const reply = message({
      conversationId: created.id,
      seq: 2,
      role: 'assistant',
      content: 'The **controller**.',
      metadata: { offline: true },
    });
    const { requests } = mockFetch({
      'GET /api/conversations': json({ conversations: [], nextCursor: null }),
      'POST /api/conversations': json(created, 201),
      [`GET /api/conversations/${created.id}/messages`]: json({ messages: [], hasMore: false }),
      [`POST /api/conversations/${created.id}/messages`]: json({ message: sent, reply }, 201),
    });
    const { wrapper, router } = await mountAt('/workspace');

    expect(wrapper.get('[data-testid="chat-empty"]').text()).toContain('Ask the CEO orchestrator anything');
    const input = wrapper.get('[data-testid="composer-input"]');
    await input.setValue('Who reports to the CFO?');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();

    expect(router.currentRoute.value.params['conversationId']).toBe(created.id);
    const posted = requests.filter((r) => r.method === 'POST').map((r) => [r.url, r.body]);
    expect(posted).toEqual([
      ['/api/conversations', { title: 'Who reports to the CFO?' }],
      [`/api/conversations/${created.id}/messages`, { content: 'Who reports to the CFO?' }],
    ]);
    const shown = wrapper.findAll('[data-testid="chat-message"]');
    expect(shown.map((m) => m.attributes('data-role'))).toEqual(['user', 'assistant']);
    expect(shown[1]?.find('[data-testid="offline-badge"]').exists()).toBe(true);
    expect((input.element as HTMLTextAreaElement).value).toBe('');
    expect(wrapper.get('[data-testid="conversation-item"]').text()).toContain('Who reports to the CFO?');
    expect(wrapper.get('[role="log"]').attributes('aria-live')).toBe('polite');
  });

  it('should show the API error inline and retry the same message', async () => {
    const existing = conversation({ title: 'Planning' });
    let attempts = 0;
    const sent = message({ conversationId: existing.id, seq: 1, content: 'Plan Q3' });
    const reply = message({ conversationId: existing.id, seq: 2, role: 'assistant', content: 'Plan ready.' });
    mockFetch({
      'GET /api/conversations': json({ conversations: [existing], nextCursor: null }),
      [`GET /api/conversations/${existing.id}`]: json(existing),
      [`GET /api/conversations/${existing.id}/messages`]: json({ messages: [], hasMore: false }),
      [`POST /api/conversations/${existing.id}/messages`]: () => {
        attempts += 1;
        return attempts === 1
          ? { status: 503, body: { error: { code: 'llm/unavailable', message: 'The model provider is unavailable.' } } }
          : { status: 201, body: { message: sent, reply } };
      },
    });
    const { wrapper } = await mountAt(`/workspace/${existing.id}`);

    await wrapper.get('[data-testid="composer-input"]').setValue('Plan Q3');
    await wrapper.get('[data-testid="composer-send"]').trigger('click');
    await flushPromises();
    const error = wrapper.get('[data-testid="send-error"]');
    expect(error.text()).toContain('The model provider is unavailable.');

    const retry = error.findAll('button').find((b) => b.text().includes('Retry'));
    await retry?.trigger('click');
    await flushPromises();
    expect(attempts).toBe(2);
    expect(wrapper.find('[data-testid="send-error"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="chat-message"]').map((m) => m.text())).toEqual([
      expect.stringContaining('Plan Q3'),
      expect.stringContaining('Plan ready.'),
    ]);
  });

  it('should say so when the conversation in the URL does not exist', async () => {
    const missing = conversation();
    const notFound = { error: { code: 'conversation/not_found', message: 'Conversation not found.' } };
    mockFetch({
      'GET /api/conversations': json({ conversations: [], nextCursor: null }),
      [`GET /api/conversations/${missing.id}`]: json(notFound, 404),
      [`GET /api/conversations/${missing.id}/messages`]: json(notFound, 404),
    });
    const { wrapper } = await mountAt(`/workspace/${missing.id}`);
    expect(wrapper.get('[role="alert"]').text()).toContain('does not exist');
    expect(wrapper.find('[data-testid="composer-input"]').exists()).toBe(false);
  });

  it('should fold the conversation list while a conversation is open and unfold it on request', async () => {
    const open = conversation({ title: 'Launch' });
    const other = conversation({ title: 'Budget' });
    mockFetch({
      'GET /api/conversations': json({ conversations: [open, other], nextCursor: null }),
      [`GET /api/conversations/${open.id}`]: json(open),
      [`GET /api/conversations/${open.id}/messages`]: json({ messages: [], hasMore: false }),
      [`GET /api/conversations/${other.id}`]: json(other),
      [`GET /api/conversations/${other.id}/messages`]: json({ messages: [], hasMore: false }),
    });
    const { wrapper, router } = await mountAt(`/workspace/${open.id}`);
    const toggle = () => wrapper.get('[data-testid="conversation-list-toggle"]');
    const sidebar = () => wrapper.get('.workspace__sidebar');
    expect(toggle().attributes('aria-expanded')).toBe('false');
    expect(toggle().text()).toBe('All conversations');
    expect(sidebar().classes()).toContain('workspace__sidebar--folded');

    await toggle().trigger('click');
    expect(toggle().attributes('aria-expanded')).toBe('true');
    expect(sidebar().classes()).not.toContain('workspace__sidebar--folded');

    // Choosing another conversation folds it again: the chat gets the room.
    await router.push(`/workspace/${other.id}`);
    await flushPromises();
    expect(toggle().attributes('aria-expanded')).toBe('false');
  });

  it('should load more conversations when there is a next page', async () => {
    const first = conversation({ title: 'First' });
    const second = conversation({ title: 'Second' });
    mockFetch({
      'GET /api/conversations': ({ url }) =>
        url.includes('cursor=next')
          ? { body: { conversations: [second], nextCursor: null } }
          : { body: { conversations: [first], nextCursor: 'next' } },
    });
    const { wrapper } = await mountAt('/workspace');
    await wrapper.get('[data-testid="load-more-conversations"]').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="conversation-item"]').map((i) => i.text())).toEqual([
      expect.stringContaining('First'),
      expect.stringContaining('Second'),
    ]);
    expect(wrapper.find('[data-testid="load-more-conversations"]').exists()).toBe(false);
  });
  it('should show a plan card and delegation details under replies, and refine into the composer', async () => {
    const existing = conversation({ title: 'Launch' });
    const project = projectDetail({
      conversationId: existing.id,
      currentPlanVersion: 1,
      plan: planVersion(1, { title: 'Launch plan' }),
    });
    const info = delegation({ kind: 'offline_draft' });
    const messages = [
      message({ conversationId: existing.id, seq: 1, content: 'Plan the launch' }),
      message({
        conversationId: existing.id,
        seq: 2,
        role: 'assistant',
        content: 'Here is a plan.',
        metadata: { intent: 'CREATE_PROJECT', project: { id: project.id, version: 1 } },
      }),
      message({
        conversationId: existing.id,
        seq: 3,
        role: 'agent',
        agentName: 'financial_analyst',
        content: 'Budget draft.',
        metadata: { intent: 'DELEGATE', offline: true, offlineDraft: true, delegation: info },
      }),
    ];
    mockFetch({
      'GET /api/conversations': json({ conversations: [existing], nextCursor: null }),
      [`GET /api/conversations/${existing.id}`]: json(existing),
      [`GET /api/conversations/${existing.id}/messages`]: json({ messages, hasMore: false }),
      [`GET /api/projects/${project.id}`]: json(project),
      'GET /api/agents': json({ agents: [] }),
    });
    const { wrapper } = await mountAt(`/workspace/${existing.id}`);

    const [, planReply, agentReply] = wrapper.findAll('[data-testid="chat-message"]');
    expect(planReply?.get('[data-testid="plan-card"]').text()).toContain('Launch plan');
    expect(planReply?.get('[data-testid="message-intent"]').text()).toBe('Project plan');
    expect(agentReply?.get('[data-testid="offline-draft-banner"]').text()).toContain(
      'Offline draft — not written by a language model',
    );
    expect(agentReply?.get('[data-testid="delegation-agent"]').text()).toContain('Financial Analyst');
    expect(planReply?.find('[data-testid="offline-draft-banner"]').exists()).toBe(false);

    const input = wrapper.get('[data-testid="composer-input"]');
    await input.setValue('make research 2 weeks');
    await wrapper.get('[data-testid="plan-refine"]').trigger('click');
    await flushPromises();
    expect((input.element as HTMLTextAreaElement).value).toBe('Refine the plan: make research 2 weeks');
    expect(document.activeElement).toBe(input.element);
  });

  it('should let a viewer read a conversation but not write, saying why', async () => {
    signInAs('viewer');
    const existing = conversation({ title: 'Planning' });
    mockFetch({
      'GET /api/conversations': json({ conversations: [existing], nextCursor: null }),
      [`GET /api/conversations/${existing.id}`]: json(existing),
      [`GET /api/conversations/${existing.id}/messages`]: json({
        messages: [message({ conversationId: existing.id, content: 'Plan Q3' })],
        hasMore: false,
      }),
    });
    const { wrapper } = await mountAt(`/workspace/${existing.id}`);
    expect(wrapper.findAll('[data-testid="chat-message"]')).toHaveLength(1);
    expect(wrapper.find('[data-testid="composer-input"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="chat-read-only"]').text()).toContain('needs the member role');
    const start = wrapper.get('[data-testid="new-conversation"]');
    expect(start.attributes('disabled')).toBeDefined();
    expect(start.attributes('title')).toBe('Needs the member role');
  });
});
