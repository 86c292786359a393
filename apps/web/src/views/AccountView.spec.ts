import { enableAutoUnmount, flushPromises, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, mockFetch } from '../testing/fetchMock';
import { signInAs } from '../testing/identity';
import { mountRoute } from '../testing/router';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

async function change(wrapper: VueWrapper, current: string, next: string) {
  await wrapper.get('[data-testid="password-current"]').setValue(current);
  await wrapper.get('[data-testid="password-new"]').setValue(next);
  await wrapper.get('[data-testid="password-form"]').trigger('submit');
  await flushPromises();
}

describe('AccountView', () => {
  it('should show who the person is, their role here and a way to their API tokens', async () => {
    signInAs('approver');
    mockFetch({});
    const { wrapper } = await mountRoute('/account');
    expect(wrapper.get('[data-testid="profile-name"]').text()).toBe('Ada Lovelace');
    expect(wrapper.get('[data-testid="profile-email"]').text()).toBe('ada@example.com');
    expect(wrapper.get('[data-testid="profile-role"]').text()).toContain('Approver — Also approves or rejects');
    expect(wrapper.get('[data-testid="profile-tokens"]').attributes('href')).toBe('/account/tokens');
  });

  it('should change the password and clear the form', async () => {
    signInAs('member');
    const { requests } = mockFetch({ 'POST /api/auth/password': () => ({ status: 204 }) });
    const { wrapper } = await mountRoute('/account');
    await change(wrapper, 'the old passphrase', 'a brand new passphrase');
    expect(requests.map((r) => [r.url, r.body])).toEqual([
      ['/api/auth/password', { currentPassword: 'the old passphrase', newPassword: 'a brand new passphrase' }],
    ]);
    expect(wrapper.get('[data-testid="password-changed"]').text()).toContain('Your password is changed.');
    expect(wrapper.get<HTMLInputElement>('[data-testid="password-current"]').element.value).toBe('');
  });

  it('should say at the field when the current password is wrong, and check the new one first', async () => {
    signInAs('member');
    const { requests } = mockFetch({
      'POST /api/auth/password': json({ error: { code: 'auth/invalid_credentials', message: 'Invalid.' } }, 401),
    });
    const { wrapper } = await mountRoute('/account');
    await change(wrapper, 'the old passphrase', 'short');
    expect(wrapper.get('[data-testid="password-new-error"]').text()).toBe('must be at least 12 characters');
    expect(requests).toEqual([]);

    await change(wrapper, 'not my password', 'a brand new passphrase');
    expect(wrapper.get('[data-testid="password-current-error"]').text()).toBe('That is not your current password.');
    expect(wrapper.find('[data-testid="password-changed"]').exists()).toBe(false);
  });

  it('should have no password in local mode', async () => {
    signInAs('admin', { mode: 'local' });
    mockFetch({});
    const { wrapper } = await mountRoute('/account');
    expect(wrapper.get('[data-testid="profile-local"]').text()).toContain('local mode');
    expect(wrapper.find('[data-testid="password-form"]').exists()).toBe(false);
  });
});
