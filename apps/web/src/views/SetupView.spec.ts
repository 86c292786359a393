import { enableAutoUnmount, flushPromises, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [testid, value] of Object.entries(values)) await wrapper.get(`[data-testid="${testid}"]`).setValue(value);
  await wrapper.get('form').trigger('submit');
  await flushPromises();
}

const owner = {
  'setup-name': 'Ada Lovelace',
  'setup-email': 'ada@example.com',
  'setup-password': 'a long enough passphrase',
};

describe('SetupView', () => {
  it('should take the setup token from the link, create the owner and open the app', async () => {
    const { requests } = mockFetch({ 'POST /api/auth/setup': json(sessionInfo()) });
    const { wrapper } = await mountRoute('/setup?token=tok_123');
    expect((wrapper.get('[data-testid="setup-token"]').element as HTMLInputElement).value).toBe('tok_123');
    expect(wrapper.get('[data-testid="setup-password"]').attributes('autocomplete')).toBe('new-password');

    await fill(wrapper, { ...owner, 'setup-workspace': ' Acme ' });

    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      [
        'POST',
        '/api/auth/setup',
        {
          setupToken: 'tok_123',
          email: 'ada@example.com',
          displayName: 'Ada Lovelace',
          password: 'a long enough passphrase',
          workspaceName: 'Acme',
        },
      ],
    ]);
    expect(reloadAt).toHaveBeenCalledWith('/');
  });

  it('should leave the workspace name out when none is given and check the password length first', async () => {
    const { requests } = mockFetch({ 'POST /api/auth/setup': json(sessionInfo()) });
    const { wrapper } = await mountRoute('/setup?token=tok_123');
    await fill(wrapper, { ...owner, 'setup-password': 'short' });
    expect(wrapper.get('[data-testid="setup-password-error"]').text()).toBe('must be at least 12 characters');
    expect(requests).toEqual([]);

    await fill(wrapper, { 'setup-password': 'a long enough passphrase' });
    expect(requests[0]?.body).not.toHaveProperty('workspaceName');
  });

  it('should ask for the token when the link had none', async () => {
    const { requests } = mockFetch({});
    const { wrapper } = await mountRoute('/setup');
    await fill(wrapper, owner);
    expect(wrapper.get('[data-testid="setup-token-error"]').text()).toContain('setup token');
    expect(requests).toEqual([]);
  });

  it('should say at the token field when the server refuses it', async () => {
    mockFetch({
      'POST /api/auth/setup': json(
        { error: { code: 'auth/setup_token_invalid', message: 'Invalid setup token.' } },
        403,
      ),
    });
    const { wrapper } = await mountRoute('/setup?token=wrong');
    await fill(wrapper, owner);
    expect(wrapper.get('[data-testid="setup-token-error"]').text()).toContain('not valid');
    expect(reloadAt).not.toHaveBeenCalled();
  });

  it('should point to the login page when the instance is already set up', async () => {
    mockFetch({
      'POST /api/auth/setup': json({ error: { code: 'auth/already_set_up', message: 'Already set up.' } }, 409),
    });
    const { wrapper } = await mountRoute('/setup?token=tok');
    await fill(wrapper, owner);
    expect(wrapper.get('[data-testid="setup-done"]').text()).toContain('already set up');
    expect(wrapper.get('[data-testid="setup-done"] a').attributes('href')).toBe('/login');
    expect(wrapper.find('form').exists()).toBe(false);
  });
});
