import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../testing/fetchMock';
import { signInAs } from '../../testing/identity';
import { mountWithPrime } from '../../testing/mount';
import { routerAt } from '../../testing/router';
import { reloadAt } from '../../utils/navigation';
import UserMenu from './UserMenu.vue';

vi.mock('../../utils/navigation', async (original) => ({
  ...(await original<typeof import('../../utils/navigation')>()),
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

async function mountMenu() {
  const router = await routerAt('/workspace');
  const wrapper = mountWithPrime(UserMenu, { global: { plugins: [router] }, attachTo: document.body });
  await wrapper.get('[data-testid="user-menu-toggle"]').trigger('click');
  return wrapper;
}

describe('UserMenu', () => {
  it('should show who is signed in, their role here, and the profile, tokens and members pages', async () => {
    signInAs('admin');
    const wrapper = await mountMenu();
    const toggle = wrapper.get('[data-testid="user-menu-toggle"]');
    expect(toggle.attributes('aria-label')).toBe('Account: Ada Lovelace');
    expect(toggle.text()).toBe('AL');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(wrapper.get('[data-testid="user-menu-email"]').text()).toBe('ada@example.com');
    expect(wrapper.get('[data-testid="user-menu-role"]').text()).toBe('Admin in Acme');
    expect(wrapper.findAll('[data-testid="user-menu"] a').map((a) => a.attributes('href'))).toEqual([
      '/account',
      '/account/tokens',
      '/members',
    ]);
    expect(wrapper.find('[data-testid="user-menu-sign-out"]').exists()).toBe(true);
  });

  it('should not offer members to anyone but admins', async () => {
    signInAs('approver');
    const wrapper = await mountMenu();
    expect(wrapper.find('[data-testid="user-menu-members"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="user-menu-role"]').text()).toBe('Approver in Acme');
  });

  it('should show the owner in local mode, without sign-out or password', async () => {
    signInAs('admin', {
      mode: 'local',
      user: { id: crypto.randomUUID(), email: 'owner@localhost', displayName: 'Owner' },
    });
    const wrapper = await mountMenu();
    expect(wrapper.get('[data-testid="user-menu-name"]').text()).toBe('Owner');
    expect(wrapper.get('[data-testid="user-menu-local"]').text()).toContain('Local mode');
    expect(wrapper.get('[data-testid="user-menu-profile"]').text()).toBe('Profile');
    expect(wrapper.find('[data-testid="user-menu-sign-out"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="user-menu-members"]').exists()).toBe(false);
  });

  it('should sign out and load the login page', async () => {
    signInAs('member');
    const { requests } = mockFetch({ 'POST /api/auth/logout': () => ({ status: 204 }) });
    const wrapper = await mountMenu();
    await wrapper.get('[data-testid="user-menu-sign-out"]').trigger('click');
    await flushPromises();
    expect(requests.map((r) => [r.method, r.url, r.contentType])).toEqual([
      ['POST', '/api/auth/logout', 'application/json'],
    ]);
    expect(reloadAt).toHaveBeenCalledWith('/login');
  });

  it('should close on Escape and give focus back to its button', async () => {
    signInAs('member');
    const wrapper = await mountMenu();
    expect(wrapper.get('[data-testid="user-menu"]').isVisible()).toBe(true);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(wrapper.get('[data-testid="user-menu"]').isVisible()).toBe(false);
    expect(document.activeElement).toBe(wrapper.get('[data-testid="user-menu-toggle"]').element);
  });
});
