import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter, type RouteLocationRaw } from 'vue-router';
import { api } from '../api';
import { useSessionStore } from '../stores/session';
import { json, mockFetch } from '../testing/fetchMock';
import { sessionInfo, signedOut } from '../testing/identity';
import { access, installAuthGuards } from './guards';
import { routes } from './index';

let uninstall: (() => void) | null = null;
beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  uninstall?.();
  uninstall = null;
});

const router = () => createRouter({ history: createMemoryHistory(), routes });
const resolve = (path: string) => router().resolve(path);

async function appAt(path: string) {
  const r = router();
  uninstall = installAuthGuards(r, useSessionStore());
  await r.push(path);
  await r.isReady();
  return r;
}

describe('access', () => {
  const signedIn = sessionInfo('member');

  it.each<[string, string, true | RouteLocationRaw]>([
    ['signed in anywhere in the app', '/projects', true],
    ['signed in on the login page, with where to go next', '/login?next=/approvals', '/approvals'],
    ['signed in on the login page with a next on another site', '/login?next=//evil.example', { name: 'workspace' }],
    ['signed in on the setup page', '/setup', { name: 'workspace' }],
    ['signed in opening an invitation', '/invite?token=t', true],
  ])('should answer %s', (_, path, expected) => {
    expect(access(resolve(path), signedIn)).toEqual(expected);
  });

  it('should send whoever is not signed in to the login page, remembering where they were going', () => {
    expect(access(resolve('/projects/abc?step=x'), signedOut())).toEqual({
      name: 'login',
      query: { next: '/projects/abc?step=x' },
    });
    expect(access(resolve('/'), signedOut())).toEqual({ name: 'login' });
    for (const open of ['/login', '/invite?token=t', '/reset-password?token=t'])
      expect(access(resolve(open), signedOut())).toBe(true);
    expect(access(resolve('/setup'), signedOut())).toEqual({ name: 'login' });
  });

  it('should send everyone to setup until the owner exists', () => {
    const fresh = signedOut({ setupRequired: true });
    expect(access(resolve('/setup?token=abc'), fresh)).toBe(true);
    expect(access(resolve('/login'), fresh)).toEqual({ name: 'setup' });
    expect(access(resolve('/approvals'), fresh)).toEqual({ name: 'setup' });
  });

  it('should have no login, setup, invitation or members page in local mode', () => {
    const local = sessionInfo('admin', { mode: 'local' });
    for (const path of ['/login', '/setup', '/invite?token=t', '/reset-password', '/members'])
      expect(access(resolve(path), local)).toEqual({ name: 'workspace' });
    for (const path of ['/budgets', '/account', '/account/tokens']) expect(access(resolve(path), local)).toBe(true);
  });

  it('should let the app show why when the session could not be read', () => {
    expect(access(resolve('/approvals'), null)).toBe(true);
  });
});

describe('installAuthGuards', () => {
  it('should load the session first and redirect to the login page with the path to come back to', async () => {
    mockFetch({ 'GET /api/auth/session': json(signedOut()) });
    const r = await appAt('/approvals?status=pending');
    expect(r.currentRoute.value.name).toBe('login');
    expect(r.currentRoute.value.query['next']).toBe('/approvals?status=pending');
  });

  it('should go to the login page, remembering where the person was, when a call finds the session gone', async () => {
    mockFetch({
      'GET /api/auth/session': json(sessionInfo()),
      'GET /api/agents': json({ error: { code: 'auth/unauthenticated', message: 'Sign in again.' } }, 401),
    });
    const r = await appAt('/budgets');
    expect(r.currentRoute.value.name).toBe('budgets');

    await api.listAgents().catch(() => undefined);
    await flushPromises();

    const session = useSessionStore();
    expect(session.signedIn).toBe(false);
    expect(session.expired).toBe(true);
    expect(r.currentRoute.value.name).toBe('login');
    expect(r.currentRoute.value.query['next']).toBe('/budgets');
  });

  it('should not treat a wrong password as an expired session', async () => {
    mockFetch({
      'GET /api/auth/session': json(signedOut()),
      'POST /api/auth/login': json({ error: { code: 'auth/invalid_credentials', message: 'Wrong.' } }, 401),
    });
    const r = await appAt('/login');
    await useSessionStore().login({ email: 'a@example.com', password: 'x' });
    await flushPromises();
    expect(useSessionStore().expired).toBe(false);
    expect(r.currentRoute.value.fullPath).toBe('/login');
  });
});
