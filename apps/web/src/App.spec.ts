import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { api } from './api';
import App from './App.vue';
import { disposeSocket, useSocket } from './composables/useSocket';
import { installAuthGuards } from './router/guards';
import { routes } from './router';
import { useSessionStore } from './stores/session';
import { FakeSocket } from './testing/fakeSocket';
import { json, mockFetch } from './testing/fetchMock';
import { sessionInfo, signedOut } from './testing/identity';
import { mountWithPrime } from './testing/mount';

let fake: FakeSocket;
let uninstall: () => void = () => undefined;
beforeEach(() => {
  setActivePinia(createPinia());
  fake = new FakeSocket();
  useSocket({ createSocket: () => fake.asSocket() });
});
afterEach(() => {
  uninstall();
  disposeSocket();
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

const SHELL_ROUTES = {
  'GET /api/system': json({
    version: '0.1.0',
    llm: { provider: 'offline', model: 'offline-v1', offline: true },
    workspace: { id: 'w1', name: 'Acme' },
    user: { id: 'u1', displayName: 'Ada', role: 'admin' },
  }),
  'GET /api/approvals': json({ approvals: [], nextCursor: null }),
  'GET /api/budgets': json({ budgets: [] }),
  'GET /api/budgets/circuits': json({ circuits: [] }),
  'GET /api/budgets/usage': json({ groupBy: 'agent', rows: [], total: { tokens: 0, costUsd: 0, calls: 0 } }),
  'GET /api/agents': json({ agents: [] }),
};

async function mountApp(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  uninstall = installAuthGuards(router, useSessionStore());
  await router.push(path);
  await router.isReady();
  const wrapper = mountWithPrime(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

describe('App', () => {
  it('should show the login page alone, without the app around it, to whoever is not signed in', async () => {
    mockFetch({ 'GET /api/auth/session': json(signedOut()) });
    const { wrapper, router } = await mountApp('/budgets');
    expect(router.currentRoute.value.fullPath).toBe('/login?next=/budgets');
    expect(wrapper.find('[data-testid="login"]').exists()).toBe(true);
    expect(wrapper.find('.app-header').exists()).toBe(false);
  });

  it('should show the app with its menus to whoever is signed in', async () => {
    mockFetch({ 'GET /api/auth/session': json(sessionInfo('approver')), ...SHELL_ROUTES });
    const { wrapper } = await mountApp('/budgets');
    expect(wrapper.find('.app-header').exists()).toBe(true);
    expect(wrapper.get('[data-testid="workspace-toggle"]').text()).toBe('Acme');
    expect(wrapper.get('[data-testid="user-menu-toggle"]').attributes('aria-label')).toBe('Account: Ada Lovelace');
    expect(wrapper.find('main#main h1').text()).toBe('Budgets');
  });

  it('should leave the app for the login page when the session expires, closing the socket', async () => {
    mockFetch({
      'GET /api/auth/session': json(sessionInfo('member')),
      ...SHELL_ROUTES,
      'GET /api/inbox': json({ error: { code: 'auth/unauthenticated', message: 'Sign in again.' } }, 401),
    });
    const { wrapper, router } = await mountApp('/budgets');
    fake.simulateConnect();
    expect(wrapper.find('.app-header').exists()).toBe(true);
    expect(fake.connected).toBe(true);

    await api.getInbox().catch(() => undefined);
    await flushPromises();

    expect(router.currentRoute.value.fullPath).toBe('/login?next=/budgets');
    expect(wrapper.find('.app-header').exists()).toBe(false);
    expect(wrapper.get('[data-testid="login-expired"]').text()).toContain('Your session ended');
    expect(fake.connected).toBe(false);
  });

  it('should say the server is not reachable and try again on request', async () => {
    let down = true;
    mockFetch({
      'GET /api/auth/session': () =>
        down
          ? { status: 502, body: { error: { code: 'http/bad_gateway', message: 'The server is restarting.' } } }
          : { body: signedOut() },
    });
    const { wrapper, router } = await mountApp('/approvals');
    expect(wrapper.get('[data-testid="session-error"]').text()).toContain('The server is restarting.');

    down = false;
    await wrapper.get('[data-testid="session-retry"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="session-error"]').exists()).toBe(false);
    expect(router.currentRoute.value.name).toBe('login');
  });
});
