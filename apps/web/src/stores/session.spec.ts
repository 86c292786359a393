import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { json, mockFetch } from '../testing/fetchMock';
import { membership, sessionInfo, signedOut } from '../testing/identity';
import { useSessionStore } from './session';

beforeEach(() => setActivePinia(createPinia()));

describe('session store', () => {
  it('should load the session once for concurrent callers and know who is signed in where', async () => {
    const info = sessionInfo('approver');
    const { requests } = mockFetch({ 'GET /api/auth/session': json(info) });
    const store = useSessionStore();
    await Promise.all([store.load(), store.load()]);
    await store.load();

    expect(requests).toHaveLength(1);
    expect(store.signedIn).toBe(true);
    expect(store.user?.email).toBe('ada@example.com');
    expect(store.role).toBe('approver');
    expect(store.workspace?.name).toBe('Acme');
  });

  it('should allow what the role allows and say which role the rest needs', async () => {
    mockFetch({ 'GET /api/auth/session': json(sessionInfo('member')) });
    const store = useSessionStore();
    await store.load();
    expect([store.can('read'), store.can('chat'), store.can('work')]).toEqual([true, true, true]);
    expect([store.can('decide'), store.can('administer')]).toEqual([false, false]);
    expect(store.denied('chat')).toBeUndefined();
    expect(store.denied('decide')).toBe('Needs the approver role');
    expect(store.denied('administer')).toBe('Needs the admin role');
  });

  it('should take a changed role on refresh and keep the session shown when the refresh fails', async () => {
    let answer: () => { status?: number; body: unknown } = () => ({ body: sessionInfo('admin') });
    mockFetch({ 'GET /api/auth/session': () => answer() });
    const store = useSessionStore();
    await store.load();
    answer = () => ({ body: sessionInfo('viewer') });
    await store.refresh();
    expect(store.role).toBe('viewer');
    answer = () => ({ status: 503, body: { error: { code: 'http/unavailable', message: 'Down.' } } });
    await store.refresh();
    expect([store.state, store.role, store.error]).toEqual(['ready', 'viewer', null]);
  });

  it('should allow nothing when nobody is known', () => {
    const store = useSessionStore();
    expect(store.can('read')).toBe(false);
    expect(store.denied('read')).toBe('Needs the viewer role');
  });

  it('should count the local owner as signed in and nobody before setup', async () => {
    mockFetch({ 'GET /api/auth/session': json(sessionInfo('admin', { mode: 'local' })) });
    const store = useSessionStore();
    await store.load();
    expect(store.local).toBe(true);
    expect(store.signedIn).toBe(true);

    store.info = signedOut({ setupRequired: true });
    expect(store.signedIn).toBe(false);
  });

  it('should keep the error when the session cannot be read, and recover on a forced load', async () => {
    let fail = true;
    mockFetch({
      'GET /api/auth/session': () =>
        fail
          ? { status: 503, body: { error: { code: 'http/unavailable', message: 'Down.' } } }
          : { body: sessionInfo() },
    });
    const store = useSessionStore();
    await store.load();
    expect(store.state).toBe('error');
    expect(store.error?.message).toBe('Down.');
    fail = false;
    await store.load({ force: true });
    expect(store.state).toBe('ready');
    expect(store.signedIn).toBe(true);
  });

  it('should adopt the session a login answers, and report a refused login without changing it', async () => {
    const info = sessionInfo('viewer');
    let valid = false;
    const { requests } = mockFetch({
      'GET /api/auth/session': json(signedOut()),
      'POST /api/auth/login': () =>
        valid
          ? { body: info }
          : { status: 401, body: { error: { code: 'auth/invalid_credentials', message: 'Wrong email or password.' } } },
    });
    const store = useSessionStore();
    await store.load();

    const refused = await store.login({ email: 'ada@example.com', password: 'nope' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe('auth/invalid_credentials');
    expect(store.signedIn).toBe(false);

    valid = true;
    const outcome = await store.login({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(outcome.ok).toBe(true);
    expect(store.signedIn).toBe(true);
    expect(store.role).toBe('viewer');
    expect(requests.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/auth/login',
      contentType: 'application/json',
      body: { email: 'ada@example.com', password: 'correct horse battery' },
    });
  });

  it('should forget the user and workspace after signing out', async () => {
    mockFetch({
      'GET /api/auth/session': json(sessionInfo()),
      'POST /api/auth/logout': () => ({ status: 204 }),
    });
    const store = useSessionStore();
    await store.load();
    const outcome = await store.logout();
    expect(outcome.ok).toBe(true);
    expect([store.signedIn, store.user, store.workspace, store.workspaces]).toEqual([false, null, null, []]);
    expect(store.expired).toBe(false);
  });

  it('should mark an authenticated session expired, but never the local owner', async () => {
    mockFetch({ 'GET /api/auth/session': json(sessionInfo()) });
    const store = useSessionStore();
    await store.load();
    store.expire();
    expect(store.signedIn).toBe(false);
    expect(store.expired).toBe(true);

    store.info = sessionInfo('admin', { mode: 'local' });
    store.expired = false;
    store.expire();
    expect(store.signedIn).toBe(true);
    expect(store.expired).toBe(false);
  });

  it('should list a created workspace and rename the current one in place', async () => {
    const info = sessionInfo('admin');
    const created = membership({ name: 'Research', slug: 'research' });
    const renamed = { ...info.workspace!, name: 'Acme Labs', slug: 'acme-labs' };
    const { requests } = mockFetch({
      'GET /api/auth/session': json(info),
      'POST /api/workspaces': json(created, 201),
      'PUT /api/workspaces/current': json(renamed),
    });
    const store = useSessionStore();
    await store.load();

    await store.createWorkspace('Research');
    expect(store.workspaces.map((w) => w.name)).toEqual(['Acme', 'Research']);
    expect(store.workspace?.name).toBe('Acme');

    await store.renameWorkspace('Acme Labs');
    expect(store.workspace?.name).toBe('Acme Labs');
    expect(store.workspaces.map((w) => w.name)).toEqual(['Acme Labs', 'Research']);
    expect(requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/api/workspaces', { name: 'Research' }],
      ['PUT', '/api/workspaces/current', { name: 'Acme Labs' }],
    ]);
  });

  it('should adopt the session of the workspace switched to', async () => {
    const info = sessionInfo('admin');
    const other = membership({ name: 'Research', role: 'viewer' });
    mockFetch({
      'GET /api/auth/session': json({ ...info, workspaces: [info.workspace, other] }),
      'POST /api/auth/workspace': json({ ...info, workspace: other, workspaces: [info.workspace, other] }),
    });
    const store = useSessionStore();
    await store.load();
    const outcome = await store.switchWorkspace(other.id);
    expect(outcome.ok).toBe(true);
    expect(store.workspace?.id).toBe(other.id);
    expect(store.role).toBe('viewer');
  });
});
