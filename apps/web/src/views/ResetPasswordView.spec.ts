import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
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

describe('ResetPasswordView', () => {
  it('should set the new password with the token from the link and sign in', async () => {
    const { requests } = mockFetch({ 'POST /api/auth/password-reset': json(sessionInfo()) });
    const { wrapper } = await mountRoute('/reset-password?token=rst_1');
    await wrapper.get('[data-testid="reset-new-password"]').setValue('a brand new passphrase');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(requests.map((r) => [r.url, r.body])).toEqual([
      ['/api/auth/password-reset', { token: 'rst_1', newPassword: 'a brand new passphrase' }],
    ]);
    expect(reloadAt).toHaveBeenCalledWith('/');
  });

  it('should say a link without a token cannot work', async () => {
    mockFetch({});
    const { wrapper } = await mountRoute('/reset-password');
    expect(wrapper.get('[data-testid="reset-error"]').text()).toContain('no reset token');
    expect(wrapper.find('form').exists()).toBe(false);
  });

  it('should send people whose link no longer works to an admin', async () => {
    mockFetch({
      'POST /api/auth/password-reset': json(
        { error: { code: 'auth/reset_token_invalid', message: 'This link has expired.' } },
        404,
      ),
    });
    const { wrapper } = await mountRoute('/reset-password?token=old');
    await wrapper.get('[data-testid="reset-new-password"]').setValue('a brand new passphrase');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="alert"] [data-testid="reset-error"]').text()).toBe(
      'This link has expired. Ask an admin of your workspace for a new link.',
    );
    expect(reloadAt).not.toHaveBeenCalled();
  });
});
