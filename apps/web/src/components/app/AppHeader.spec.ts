import type { SystemInfo } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { routes } from '../../router';
import { mountWithPrime } from '../../testing/mount';
import { signInAs } from '../../testing/identity';
import AppHeader from './AppHeader.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});

function system(offline: boolean): SystemInfo {
  return {
    version: '0.1.0',
    llm: offline
      ? { provider: 'offline', model: 'offline-v1', offline: true }
      : { provider: 'openai', model: 'gpt-5', offline: false },
    workspace: { id: 'w1', name: 'Acme' },
    user: { id: 'u1', displayName: 'Ada', role: 'admin' },
  };
}

async function mountHeader(
  info: SystemInfo | null,
  pending: { pendingApprovals?: number; pendingOverflow?: boolean } = {},
) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/organization');
  return mountWithPrime(AppHeader, {
    props: { system: info, systemError: null, socketStatus: 'connected', ...pending },
    global: { plugins: [router] },
  });
}

describe('AppHeader', () => {
  it('should show the offline model tag when no LLM is configured', async () => {
    const wrapper = await mountHeader(system(true));
    expect(wrapper.get('[data-testid="llm-mode"]').text()).toBe('Offline model');
    expect(wrapper.text()).toContain('Orchestrator');
  });

  it('should show the provider and model otherwise', async () => {
    const wrapper = await mountHeader(system(false));
    expect(wrapper.get('[data-testid="llm-mode"]').text()).toBe('openai · gpt-5');
  });

  it('should offer Workspace, Projects, Approvals, Organization, Workforce and Budgets, marking the current one', async () => {
    const wrapper = await mountHeader(null);
    const links = wrapper.findAll('nav a');
    expect(links.map((a) => a.text())).toEqual([
      'Workspace',
      'Projects',
      'Approvals',
      'Organization',
      'Workforce',
      'Budgets',
    ]);
    expect(links[5]?.attributes('href')).toBe('/budgets');
    expect(links[3]?.attributes('aria-current')).toBe('page');
    expect(links[0]?.attributes('aria-current')).toBeUndefined();
    expect(links[1]?.attributes('href')).toBe('/projects');
    expect(links[2]?.attributes('href')).toBe('/approvals');
    expect(wrapper.find('[data-testid="nav-approvals-badge"]').exists()).toBe(false);
  });

  it('should badge Approvals with the pending count, said in words to screen readers', async () => {
    const wrapper = await mountHeader(null, { pendingApprovals: 3 });
    expect(wrapper.get('[data-testid="nav-approvals-badge"]').text()).toBe('3');
    expect(wrapper.get('a[href="/approvals"]').text()).toContain('(3 pending)');
    await wrapper.setProps({ pendingApprovals: 200, pendingOverflow: true });
    expect(wrapper.get('[data-testid="nav-approvals-badge"]').text()).toBe('200+');
  });
});
