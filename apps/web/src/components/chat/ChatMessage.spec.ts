// @vitest-environment jsdom
// jsdom, not happy-dom: this renders sanitised HTML, and DOMPurify does not support happy-dom.
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { beforeEach, describe, expect, it } from 'vitest';
import type { User } from '@orchestrator/contracts';
import type { TimelineItem } from '../../stores/timeline';
import { timelineItem, uuid } from '../../testing/factories';
import { mountWithPrime } from '../../testing/mount';
import { signInAs } from '../../testing/identity';
import ChatMessage from './ChatMessage.vue';

let me: User;

beforeEach(() => {
  setActivePinia(createPinia());
  me = signInAs('member').user!;
});

const item = timelineItem;

describe('ChatMessage', () => {
  it('should expose the role and render markdown', () => {
    const wrapper = mountWithPrime(ChatMessage, { props: { item: item({ content: '**Budget** approved' }) } });
    const root = wrapper.get('[data-testid="chat-message"]');
    expect(root.attributes('data-role')).toBe('assistant');
    expect(root.find('strong').text()).toBe('Budget');
    expect(wrapper.text()).toContain('CEO orchestrator');
  });

  it('should show the offline model badge only on offline messages', () => {
    const offline = mountWithPrime(ChatMessage, { props: { item: item({ offline: true }) } });
    expect(offline.get('[data-testid="offline-badge"]').text()).toBe('offline model');
    const online = mountWithPrime(ChatMessage, { props: { item: item() } });
    expect(online.find('[data-testid="offline-badge"]').exists()).toBe(false);
  });

  it('should say once that an offline draft is offline: its own notice as the banner, not again in text or badge', () => {
    const notice = '**Offline draft** — no language model is configured, so Blog Post Writer cannot write this itself.';
    const wrapper = mountWithPrime(ChatMessage, {
      props: {
        item: item({
          offline: true,
          offlineDraft: true,
          content: `${notice}\n\n**Task:** Write a post\n\n**What it delivers**\n\nA post.`,
        }),
      },
    });
    expect(wrapper.find('[data-testid="offline-badge"]').exists()).toBe(false);
    const banner = wrapper.get('[data-testid="offline-draft-banner"]').text();
    expect(banner).toContain('Offline draft — no language model is configured, so Blog Post Writer');
    const body = wrapper.get('.chat-message__body').text();
    expect(body).toContain('Task: Write a post');
    expect(body).not.toMatch(/offline/i);
  });

  it('should say once that an agent build was drafted offline: its notice as the banner, no badge, no bullet', () => {
    // The text and metadata an offline build's "validating" message is stored with (core buildProgressMessage).
    const notice =
      '**Offline draft** — no language model is configured, so **Legal Contract Reviewer** (`legal_contract_reviewer`) was drafted from the department specialist template, not written by a model: review its wording before approving it.';
    const wrapper = mountWithPrime(ChatMessage, {
      props: {
        item: item({
          intent: 'BUILD_AGENT',
          offline: true,
          offlineDraft: true,
          content: `${notice}\n\nDrafted **Legal Contract Reviewer** (\`legal_contract_reviewer\`): Context.md. Validating it on sample tasks now…`,
        }),
      },
    });
    expect(wrapper.find('[data-testid="offline-badge"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="offline-draft-banner"]')).toHaveLength(1);
    expect(wrapper.get('[data-testid="offline-draft-banner"]').text()).toMatch(/^Offline draft — no language model/);
    const body = wrapper.get('.chat-message__body');
    expect(body.text()).toMatch(/^Drafted Legal Contract Reviewer/);
    expect(body.text()).not.toMatch(/offline|language model/i);
    expect(body.find('li').exists()).toBe(false);
  });

  it('should still mark an offline draft whose text does not say so', () => {
    const wrapper = mountWithPrime(ChatMessage, {
      props: { item: item({ offline: true, offlineDraft: true, content: 'A brief.' }) },
    });
    expect(wrapper.get('[data-testid="offline-draft-banner"]').text()).toContain(
      'Offline draft — not written by a language model',
    );
    expect(wrapper.get('.chat-message__body').text()).toBe('A brief.');
  });

  it('should open a link into the app in this tab, through the router', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: { template: '<div />' } },
        { path: '/projects/:projectId?', name: 'projects', component: { template: '<div />' } },
      ],
    });
    await router.push('/');
    const wrapper = mountWithPrime(ChatMessage, {
      props: {
        item: item({
          intent: 'PROJECT_REPORT',
          content: '**Handbook** is complete.\n\n- [Draft section 0](/projects/p1?step=s00)',
        }),
      },
      global: { plugins: [router] },
    });
    expect(wrapper.get('[data-testid="message-intent"]').text()).toBe('Project report');
    await wrapper.get('a').trigger('click', { button: 0 });
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/projects/p1?step=s00');
  });

  it('should not put live markup from the message into the page', () => {
    const wrapper = mountWithPrime(ChatMessage, {
      props: {
        item: item({ content: '<img src=x onerror="alert(1)"><script>alert(2)</script>[x](javascript:alert(3))' }),
      },
    });
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.find('script').exists()).toBe(false);
    expect(wrapper.html()).not.toMatch(/href="javascript:/i);
  });

  it('should mark a streaming reply busy and show a typing indicator', () => {
    const wrapper = mountWithPrime(ChatMessage, { props: { item: item({ state: 'streaming', createdAt: null }) } });
    const root = wrapper.get('[data-testid="chat-message"]');
    expect(root.attributes('aria-busy')).toBe('true');
    expect(wrapper.find('.typing').exists()).toBe(true);
    expect(wrapper.text()).toContain('Reply in progress');
  });

  it('should show the error of a failed reply', () => {
    const wrapper = mountWithPrime(ChatMessage, {
      props: { item: item({ state: 'failed', content: '', error: 'The model timed out.' }) },
    });
    expect(wrapper.get('[role="alert"]').text()).toContain('The reply failed: The model timed out.');
  });

  it('should label agent messages by agent name', () => {
    const agent = mountWithPrime(ChatMessage, {
      props: { item: item({ role: 'agent', agentName: 'financial_analyst' }) },
    });
    expect(agent.text()).toContain('financial_analyst');
  });

  const authorOf = (overrides: Partial<TimelineItem>) =>
    mountWithPrime(ChatMessage, { props: { item: item({ role: 'user', ...overrides }) } })
      .get('[data-testid="message-author"]')
      .text();

  it("should say You when the message is the signed-in person's own, stored or still being sent", () => {
    expect(authorOf({ author: { id: me.id, name: me.displayName } })).toBe('You');
    expect(authorOf({ state: 'pending', createdAt: null })).toBe('You');
  });

  it('should name the author when another member of the workspace wrote the message', () => {
    const wrapper = mountWithPrime(ChatMessage, {
      props: { item: item({ role: 'user', author: { id: uuid(), name: 'Grace Hopper' } }) },
    });
    const root = wrapper.get('[data-testid="chat-message"]');
    expect(root.attributes('data-role')).toBe('user');
    expect(root.attributes('aria-label')).toBe('Grace Hopper');
    expect(wrapper.get('[data-testid="message-author"]').text()).toBe('Grace Hopper');
  });

  it("should not say You when the author's account is gone", () => {
    expect(authorOf({ author: null })).toBe('Deleted account');
  });

  it('should offer Retry on a failure notice and ask for the message to be answered again when clicked', async () => {
    const notice = item({
      role: 'system',
      content: 'The language model provider could not be reached.',
      retry: { messageId: 'm-1', busy: false, error: null },
    });
    const wrapper = mountWithPrime(ChatMessage, { props: { item: notice } });
    await wrapper.get('[data-testid="retry-reply"]').trigger('click');
    expect(wrapper.emitted('retry')).toEqual([['m-1']]);
  });

  it('should disable Retry while it runs and show why it failed', async () => {
    const busy = mountWithPrime(ChatMessage, {
      props: { item: item({ role: 'system', retry: { messageId: 'm-1', busy: true, error: null } }) },
    });
    expect(busy.get('[data-testid="retry-reply"]').attributes('disabled')).toBeDefined();
    const failed = mountWithPrime(ChatMessage, {
      props: {
        item: item({
          role: 'system',
          retry: { messageId: 'm-1', busy: false, error: 'This message already has a reply.' },
        }),
      },
    });
    expect(failed.get('[role="alert"]').text()).toBe('This message already has a reply.');
    const plain = mountWithPrime(ChatMessage, { props: { item: item({ role: 'system' }) } });
    expect(plain.find('[data-testid="retry-reply"]').exists()).toBe(false);
  });

  it('should warn that a pasted key was removed when the stored message had one', () => {
    const wrapper = mountWithPrime(ChatMessage, {
      props: { item: item({ role: 'user', content: 'our key is [redacted]', secretsRedacted: 1 }) },
    });
    expect(wrapper.get('[data-testid="secrets-redacted"]').text()).toContain('A key or token was removed');
    const clean = mountWithPrime(ChatMessage, { props: { item: item({ role: 'user' }) } });
    expect(clean.find('[data-testid="secrets-redacted"]').exists()).toBe(false);
  });
});
