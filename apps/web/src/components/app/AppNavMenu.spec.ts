import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signInAs } from '../../testing/identity';
import { mountWithPrime } from '../../testing/mount';
import { routerAt } from '../../testing/router';
import AppNavMenu from './AppNavMenu.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('member');
  // The page's content, where focus goes once a link is chosen.
  document.body.innerHTML = '<main id="main" tabindex="-1"></main>';
});
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

async function mountMenu(badge: string | null = null) {
  const router = await routerAt('/workspace');
  const wrapper = mountWithPrime(AppNavMenu, {
    props: { badge },
    slots: { default: 'Offline model' },
    global: { plugins: [router] },
    attachTo: document.body,
  });
  const toggle = wrapper.get('[data-testid="nav-menu-toggle"]');
  const panel = wrapper.get('[data-testid="nav-menu"]');
  const isOpen = () => wrapper.get('.app-menu').classes('app-menu--open');
  return { wrapper, router, toggle, panel, isOpen };
}

describe('AppNavMenu', () => {
  it('should say what it controls and whether it is open, and move focus to the first link', async () => {
    const { toggle, panel, isOpen } = await mountMenu();
    expect(toggle.attributes('aria-controls')).toBe(panel.attributes('id'));
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(isOpen()).toBe(false);
    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(isOpen()).toBe(true);
    expect(document.activeElement?.textContent?.trim()).toBe('Workspace');
    expect(panel.text()).toContain('Offline model');
  });

  it('should close on Escape and give focus back to the button', async () => {
    const { toggle, isOpen } = await mountMenu();
    await toggle.trigger('click');
    await flushPromises();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(isOpen()).toBe(false);
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle.element);
  });

  it('should close when a link is chosen and put focus on the page', async () => {
    const { wrapper, router, toggle, isOpen } = await mountMenu();
    await toggle.trigger('click');
    await wrapper.get('a[href="/projects"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('projects'));
    expect(isOpen()).toBe(false);
    expect(document.activeElement?.id).toBe('main');
  });

  it('should close when the page changes another way', async () => {
    const { router, toggle, isOpen } = await mountMenu();
    await toggle.trigger('click');
    await router.push('/approvals');
    await flushPromises();
    expect(isOpen()).toBe(false);
  });

  it('should show the pending approvals on the button too, said in words', async () => {
    const { toggle } = await mountMenu('4');
    expect(toggle.get('[data-testid="menu-approvals-badge"]').text()).toBe('4');
    expect(toggle.text()).toContain('Menu');
    expect(toggle.text()).toContain('(4 approvals pending)');
  });
});
