import type { Conversation } from '@orchestrator/contracts';
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { SEARCH_MAX_REQUESTS } from '../../stores/conversationSearch';
import { conversation } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { signInAs } from '../../testing/identity';
import { mountWithPrime } from '../../testing/mount';
import { routerAt } from '../../testing/router';
import ConversationList from './ConversationList.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('member');
});
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

const page = (conversations: Conversation[], nextCursor: string | null = null) => json({ conversations, nextCursor });

async function mountList(path = '/workspace', selectedId: string | null = null) {
  const router = await routerAt(path);
  const wrapper = mountWithPrime(defineComponent({ render: () => h(ConversationList, { selectedId }) }), {
    global: { plugins: [router] },
    attachTo: document.body,
  });
  await flushPromises();
  const titles = () => wrapper.findAll('.conversation-list__name').map((n) => n.text());
  return { wrapper, router, titles };
}

/** The dialog renders at the end of the page, outside the component. */
const inPage = (selector: string) => document.body.querySelector<HTMLElement>(selector);

describe('ConversationList: renaming', () => {
  it('should rename in place on Enter, put focus back on Rename and say so', async () => {
    const budget = conversation({ title: 'Budget planning' });
    const { requests } = mockFetch({
      'GET /api/conversations': page([budget]),
      [`PATCH /api/conversations/${budget.id}`]: ({ body }) => ({
        body: { ...budget, title: (body as { title: string }).title },
      }),
    });
    const { wrapper, titles } = await mountList();
    await wrapper.get('[data-testid="conversation-rename"]').trigger('click');
    await flushPromises();
    const input = wrapper.get('[data-testid="conversation-title-input"]');
    expect(document.activeElement).toBe(input.element);
    expect((input.element as HTMLInputElement).value).toBe('Budget planning');
    await input.setValue('  Budget 2027 ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(requests.filter((r) => r.method === 'PATCH').map((r) => [r.url, r.body, r.contentType])).toEqual([
      [`/api/conversations/${budget.id}`, { title: 'Budget 2027' }, 'application/json'],
    ]);
    expect(titles()).toEqual(['Budget 2027']);
    expect(document.activeElement).toBe(wrapper.get('[data-testid="conversation-rename"]').element);
    expect(wrapper.text()).toContain('Renamed to “Budget 2027”.');
  });

  it('should leave the title as it was on Escape, and refuse a blank one without asking the server', async () => {
    const budget = conversation({ title: 'Budget planning' });
    const { requests } = mockFetch({ 'GET /api/conversations': page([budget]) });
    const { wrapper, titles } = await mountList();
    await wrapper.get('[data-testid="conversation-rename"]').trigger('click');
    await wrapper.get('[data-testid="conversation-title-input"]').setValue('   ');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('[role="alert"]').text()).toBe('Enter a title.');
    await wrapper.get('[data-testid="conversation-title-input"]').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(titles()).toEqual(['Budget planning']);
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('should show why a rename failed and keep the field open', async () => {
    const budget = conversation({ title: 'Budget planning' });
    mockFetch({
      'GET /api/conversations': page([budget]),
      [`PATCH /api/conversations/${budget.id}`]: json(
        { error: { code: 'conversation/not_found', message: 'This conversation was deleted.' } },
        404,
      ),
    });
    const { wrapper } = await mountList();
    await wrapper.get('[data-testid="conversation-rename"]').trigger('click');
    await wrapper.get('[data-testid="conversation-title-input"]').setValue('Budget 2027');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe('Could not rename it: This conversation was deleted.');
    expect(wrapper.find('[data-testid="conversation-title-input"]').exists()).toBe(true);
  });
});

describe('ConversationList: deleting', () => {
  it('should delete only after confirming, then focus the next conversation', async () => {
    const [first, second] = [conversation({ title: 'First' }), conversation({ title: 'Second' })];
    const { requests } = mockFetch({
      'GET /api/conversations': page([first, second]),
      [`DELETE /api/conversations/${first.id}`]: () => ({ status: 204 }),
    });
    const { wrapper, titles } = await mountList();
    await wrapper.get('[data-testid="conversation-delete"]').trigger('click');
    await flushPromises();
    expect(inPage('[data-testid="confirm-dialog"]')?.textContent).toContain('“First” and all its messages');
    inPage('[data-testid="confirm-cancel"]')!.click();
    await flushPromises();
    expect(requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(titles()).toEqual(['First', 'Second']);

    await wrapper.get('[data-testid="conversation-delete"]').trigger('click');
    await flushPromises();
    inPage('[data-testid="confirm-accept"]')!.click();
    await flushPromises();
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual([`/api/conversations/${first.id}`]);
    expect(titles()).toEqual(['Second']);
    expect(document.activeElement?.textContent).toContain('Second');
    expect(wrapper.text()).toContain('Deleted “First”.');
  });

  it('should leave a deleted conversation that was open for a new one', async () => {
    const open = conversation({ title: 'Open one' });
    mockFetch({
      'GET /api/conversations': page([open]),
      [`DELETE /api/conversations/${open.id}`]: () => ({ status: 204 }),
    });
    const { wrapper, router } = await mountList(`/workspace/${open.id}`, open.id);
    await wrapper.get('[data-testid="conversation-delete"]').trigger('click');
    await flushPromises();
    inPage('[data-testid="confirm-accept"]')!.click();
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/workspace');
    expect(document.activeElement).toBe(wrapper.get('[data-testid="conversation-search"]').element);
  });

  it('should keep the dialog open and say why when the delete fails', async () => {
    const doomed = conversation({ title: 'Doomed' });
    mockFetch({
      'GET /api/conversations': page([doomed]),
      [`DELETE /api/conversations/${doomed.id}`]: json({ error: { code: 'internal/error', message: 'Boom.' } }, 500),
    });
    const { wrapper, titles } = await mountList();
    await wrapper.get('[data-testid="conversation-delete"]').trigger('click');
    await flushPromises();
    inPage('[data-testid="confirm-accept"]')!.click();
    await flushPromises();
    expect(inPage('[data-testid="delete-conversation-error"]')?.textContent).toContain('Could not delete it: Boom.');
    expect(titles()).toEqual(['Doomed']);
  });

  it('should offer neither rename nor delete to a viewer', async () => {
    signInAs('viewer');
    mockFetch({ 'GET /api/conversations': page([conversation()]) });
    const { wrapper } = await mountList();
    expect(wrapper.find('[data-testid="conversation-rename"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="conversation-delete"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="conversation-search"]').exists()).toBe(true);
  });
});

describe('ConversationList: searching', () => {
  async function typeSearch(wrapper: Awaited<ReturnType<typeof mountList>>['wrapper'], text: string) {
    await wrapper.get('[data-testid="conversation-search"]').setValue(text);
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
  }

  it('should search once typing pauses, show what it found, and go back to the list on Escape', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const [cfo, hr] = [conversation({ title: 'Who reports to the CFO?' }), conversation({ title: 'HR' })];
    const { requests } = mockFetch({
      'GET /api/conversations': ({ url }) => ({
        body: { conversations: url.includes('q=') ? [cfo] : [cfo, hr], nextCursor: null },
      }),
    });
    const { wrapper, titles } = await mountList();
    await wrapper.get('[data-testid="conversation-search"]').setValue('c');
    await wrapper.get('[data-testid="conversation-search"]').setValue('cf');
    await typeSearch(wrapper, 'cfo ');
    expect(requests.map((r) => r.url)).toEqual(['/api/conversations?limit=30', '/api/conversations?limit=30&q=cfo']);
    expect(titles()).toEqual(['Who reports to the CFO?']);
    expect(wrapper.get('[data-testid="conversation-search-status"]').text()).toBe('1 conversation found.');

    await wrapper.get('[data-testid="conversation-search"]').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(titles()).toEqual(['Who reports to the CFO?', 'HR']);
    expect(requests).toHaveLength(2);
  });

  it('should look past pages with nothing found, then offer to search older conversations', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let asked = 0;
    const { requests } = mockFetch({
      'GET /api/conversations': ({ url }) => {
        if (!url.includes('q=')) return { body: { conversations: [], nextCursor: null } };
        asked += 1;
        return { body: { conversations: [], nextCursor: `c${asked}` } };
      },
    });
    const { wrapper } = await mountList();
    await typeSearch(wrapper, 'zeppelin');
    expect(asked).toBe(SEARCH_MAX_REQUESTS);
    expect(requests.at(-1)?.url).toBe(`/api/conversations?limit=30&cursor=c${SEARCH_MAX_REQUESTS - 1}&q=zeppelin`);
    expect(wrapper.get('.conversation-list__empty').text()).toBe(
      'Nothing found for “zeppelin” in the most recent conversations.',
    );
    const older = wrapper.get('[data-testid="load-more-conversations"]');
    expect(older.text()).toContain('Search older conversations');
    await older.trigger('click');
    await flushPromises();
    expect(asked).toBe(2 * SEARCH_MAX_REQUESTS);
  });

  it('should say when nothing matches at all', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    mockFetch({ 'GET /api/conversations': page([]) });
    const { wrapper } = await mountList();
    await typeSearch(wrapper, 'zeppelin');
    expect(wrapper.get('.conversation-list__empty').text()).toBe('No conversation mentions “zeppelin”.');
    expect(wrapper.get('[data-testid="conversation-search-status"]').text()).toBe('No conversation matches.');
    expect(wrapper.find('[data-testid="load-more-conversations"]').exists()).toBe(false);
  });
});
