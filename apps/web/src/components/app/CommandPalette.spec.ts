import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import { usePaletteStore } from '../../stores/palette';
import { agent, conversation, projectSummary } from '../../testing/factories';
import { json, mockFetch } from '../../testing/fetchMock';
import { signInAs } from '../../testing/identity';
import { createMemoryHistory, createRouter } from 'vue-router';
import CommandPalette from './CommandPalette.vue';

const writer = agent({ name: 'blog_post_writer', title: 'Blog Post Writer', department: 'marketing' });
const calculator = agent({ name: 'roi_calculator', title: 'ROI Calculator', department: 'finance' });
const hiring = projectSummary({ title: 'Hire a data engineer' });
const chat = conversation({ title: 'Launch plan' });

/** The app's route names and paths, with an empty page for each (the views are not under test). */
async function routerAt(path: string) {
  const page = defineComponent({ render: () => null });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      ['workspace', '/workspace/:conversationId?'],
      ['projects', '/projects/:projectId?'],
      ['approvals', '/approvals'],
      ['organization', '/organization'],
      ['workforce', '/workforce/:agentName?'],
      ['budgets', '/budgets'],
      ['members', '/members'],
      ['account', '/account'],
      ['tokens', '/account/tokens'],
    ].map(([name, p]) => ({ name: name!, path: p!, component: page })),
  });
  await router.push(path);
  await router.isReady();
  return router;
}

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
  document.body.innerHTML = '<button id="before">before</button>';
});
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

async function mountPalette() {
  const { requests } = mockFetch({
    'GET /api/agents': json({ agents: [writer, calculator] }),
    'GET /api/projects': json({ projects: [hiring], nextCursor: null }),
    'GET /api/conversations': json({ conversations: [chat], nextCursor: null }),
  });
  const router = await routerAt('/projects');
  const palette = usePaletteStore();
  mount(CommandPalette, { global: { plugins: [router] }, attachTo: document.body });
  const before = document.getElementById('before')!;
  before.focus();
  return { requests, router, palette, before };
}

const dialog = () => document.querySelector<HTMLElement>('[role="dialog"]');
const input = () => document.querySelector<HTMLInputElement>('[data-testid="palette-input"]')!;
const options = () => [...document.querySelectorAll<HTMLElement>('[role="option"]')];
const optionLabels = () => options().map((o) => o.querySelector('.palette__label')!.textContent!.trim());
const press = async (key: string, init: KeyboardEventInit = {}) => {
  input().dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  await flushPromises();
};
async function type(text: string) {
  input().value = text;
  input().dispatchEvent(new Event('input'));
  await flushPromises();
}

describe('CommandPalette', () => {
  it('should fetch nothing until it opens, then the agents, projects and conversations', async () => {
    const { requests, palette } = await mountPalette();
    await flushPromises();
    expect(dialog()).toBeNull();
    expect(requests).toHaveLength(0);
    palette.show();
    await flushPromises();
    expect(requests.map((r) => r.url.split('?')[0]).sort()).toEqual([
      '/api/agents',
      '/api/conversations',
      '/api/projects',
    ]);
    expect(optionLabels()).toEqual(expect.arrayContaining(['Blog Post Writer', 'Hire a data engineer', 'Launch plan']));
  });

  it('should be a modal dialog whose field owns a listbox and points at the active option', async () => {
    const { palette } = await mountPalette();
    palette.show();
    await flushPromises();
    expect(dialog()!.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(input());
    const list = document.getElementById(input().getAttribute('aria-controls')!)!;
    expect(list.getAttribute('role')).toBe('listbox');
    expect(input().getAttribute('aria-activedescendant')).toBe(options()[0]!.id);
    expect(options()[0]!.getAttribute('aria-selected')).toBe('true');

    await press('ArrowDown');
    expect(input().getAttribute('aria-activedescendant')).toBe(options()[1]!.id);
    expect(options()[1]!.getAttribute('aria-selected')).toBe('true');
    await press('ArrowUp');
    await press('ArrowUp');
    // Wraps around to the last.
    expect(input().getAttribute('aria-activedescendant')).toBe(options().at(-1)!.id);
  });

  it('should narrow the list as the person types and search conversations on the server', async () => {
    const { palette, requests } = await mountPalette();
    palette.show();
    await flushPromises();
    await type('roi');
    expect(optionLabels()[0]).toBe('ROI Calculator');
    await new Promise((r) => setTimeout(r, 250));
    await flushPromises();
    expect(requests.some((r) => r.url.startsWith('/api/conversations') && r.url.includes('q=roi'))).toBe(true);
    await type('nothing like this');
    expect(options()).toHaveLength(0);
    expect(document.querySelector('[data-testid="palette-empty"]')?.textContent).toContain('nothing like this');
  });

  it('should go to the chosen agent on Enter and close', async () => {
    const { palette, router } = await mountPalette();
    palette.show();
    await flushPromises();
    await type('blog post');
    await press('Enter');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/workforce/blog_post_writer');
    expect(palette.open).toBe(false);
    expect(dialog()).toBeNull();
  });

  it('should close on Escape and give focus back to where it was', async () => {
    const { palette, before } = await mountPalette();
    palette.show();
    await flushPromises();
    expect(document.activeElement).toBe(input());
    await press('Escape');
    expect(palette.open).toBe(false);
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(before);
  });

  it('should keep focus in the dialog on Tab', async () => {
    const { palette } = await mountPalette();
    palette.show();
    await flushPromises();
    const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    input().dispatchEvent(tab);
    expect(tab.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(input());
  });

  it('should still offer what loaded when a list fails, and say what did not', async () => {
    mockFetch({
      'GET /api/agents': json({ error: { code: 'internal/error', message: 'The registry is down.' } }, 500),
      'GET /api/projects': json({ projects: [hiring], nextCursor: null }),
      'GET /api/conversations': json({ conversations: [], nextCursor: null }),
    });
    const router = await routerAt('/projects');
    mount(CommandPalette, { global: { plugins: [router] }, attachTo: document.body });
    usePaletteStore().show();
    await flushPromises();
    expect(optionLabels()).toContain('Hire a data engineer');
    expect(document.querySelector('[data-testid="palette-error"]')?.textContent).toContain('The registry is down.');
  });

  it('should run an action by opening its page and pressing its control there', async () => {
    const { palette, router } = await mountPalette();
    const create = document.createElement('button');
    create.dataset.testid = 'budget-new';
    let clicked = 0;
    create.addEventListener('click', () => clicked++);
    palette.show();
    await flushPromises();
    await type('create budget');
    await press('Enter');
    // The view renders its button a moment later.
    document.body.appendChild(create);
    await new Promise((r) => setTimeout(r, 20));
    expect(router.currentRoute.value.name).toBe('budgets');
    expect(clicked).toBe(1);
  });
});
