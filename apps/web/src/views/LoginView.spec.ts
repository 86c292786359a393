import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../stores/session';
import { json, mockFetch } from '../testing/fetchMock';
import { mountRoute } from '../testing/router';
import { sessionInfo } from '../testing/identity';
import { reloadAt } from '../utils/navigation';

vi.mock('../utils/navigation', async (original) => ({
  ...(await original<typeof import('../utils/navigation')>()),
  reloadAt: vi.fn(),
}));

beforeEach(() => {
  setActivePinia(createPinia());
  vi.mocked(reloadAt).mockClear();
});
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

const mountAt = async (path: string) => (await mountRoute(path)).wrapper;

async function signIn(wrapper: Awaited<ReturnType<typeof mountAt>>, email: string, password: string) {
  await wrapper.get('[data-testid="login-email"]').setValue(email);
  await wrapper.get('[data-testid="login-password"]').setValue(password);
  await wrapper.get('form').trigger('submit');
  await flushPromises();
}

describe('LoginView', () => {
  it('should sign in and load the page the person was going to', async () => {
    const { requests } = mockFetch({ 'POST /api/auth/login': json(sessionInfo()) });
    const wrapper = await mountAt('/login?next=/approvals%3Fstatus%3Dpending');
    expect(wrapper.get('h1').text()).toBe('Sign in to Orchestrator');
    expect(wrapper.get('label[for]').text()).toBe('Email');
    expect(wrapper.get('[data-testid="login-password"]').attributes('type')).toBe('password');
    expect(wrapper.get('[data-testid="login-password"]').attributes('autocomplete')).toBe('current-password');

    await signIn(wrapper, ' Ada@Example.com ', 'correct horse battery');

    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/api/auth/login',
        contentType: 'application/json',
        body: { email: 'ada@example.com', password: 'correct horse battery' },
      },
    ]);
    expect(reloadAt).toHaveBeenCalledWith('/approvals?status=pending');
  });

  it('should go home after signing in when the next page points elsewhere', async () => {
    mockFetch({ 'POST /api/auth/login': json(sessionInfo()) });
    const wrapper = await mountAt('/login?next=//evil.example');
    await signIn(wrapper, 'ada@example.com', 'correct horse battery');
    expect(reloadAt).toHaveBeenCalledWith('/');
  });

  it('should say what is missing and send nothing', async () => {
    const { requests } = mockFetch({});
    const wrapper = await mountAt('/login');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="login-email-error"]').text()).toBe('Enter your email.');
    expect(wrapper.get('[data-testid="login-password-error"]').text()).toBe('Enter your password.');
    expect(wrapper.get('[data-testid="login-email"]').attributes('aria-invalid')).toBe('true');
    expect(requests).toEqual([]);
  });

  it('should say only that the email or password was wrong', async () => {
    mockFetch({
      'POST /api/auth/login': json(
        { error: { code: 'auth/invalid_credentials', message: 'Invalid email or password.' } },
        401,
      ),
    });
    const wrapper = await mountAt('/login');
    await signIn(wrapper, 'ada@example.com', 'wrong');
    expect(wrapper.get('[role="alert"] [data-testid="login-error"]').text()).toBe('Wrong email or password.');
    expect(reloadAt).not.toHaveBeenCalled();
    expect(useSessionStore().signedIn).toBe(false);
  });

  it('should hold the form for as long as the server asks after too many attempts', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { requests } = mockFetch({
      'POST /api/auth/login': json(
        { error: { code: 'request/rate_limited', message: 'Too many requests.', details: { retryAfterSeconds: 30 } } },
        429,
      ),
    });
    const wrapper = await mountAt('/login');
    await signIn(wrapper, 'ada@example.com', 'guess');

    expect(wrapper.get('[data-testid="login-rate-limited"]').text()).toContain('Try again in 30 seconds.');
    expect(wrapper.get('[data-testid="login-submit"]').attributes('disabled')).toBeDefined();
    await wrapper.get('form').trigger('submit');
    expect(requests).toHaveLength(1);

    vi.advanceTimersByTime(29_000);
    await flushPromises();
    expect(wrapper.get('[data-testid="login-rate-limited"]').text()).toContain('Try again in 1 second.');
    vi.advanceTimersByTime(1_000);
    await flushPromises();
    expect(wrapper.find('[data-testid="login-rate-limited"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="login-submit"]').attributes('disabled')).toBeUndefined();
  });

  it('should say the session ended when the person was sent here by an expired one', async () => {
    mockFetch({});
    useSessionStore().expired = true;
    const wrapper = await mountAt('/login?next=/budgets');
    expect(wrapper.get('[data-testid="login-expired"]').text()).toContain('Your session ended');
  });

  it('should show and hide the password on request', async () => {
    mockFetch({});
    const wrapper = await mountAt('/login');
    const toggle = wrapper.get('[data-testid="login-password-toggle"]');
    expect(toggle.attributes('aria-label')).toBe('Show password');
    expect(toggle.attributes('aria-pressed')).toBe('false');
    await toggle.trigger('click');
    expect(wrapper.get('[data-testid="login-password"]').attributes('type')).toBe('text');
    expect(toggle.attributes('aria-pressed')).toBe('true');
  });
});
