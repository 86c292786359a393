import type { SystemInfo } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { routes } from '../../router';
import { mountWithPrime } from '../../testing/mount';
import AppHeader from './AppHeader.vue';

function system(offline: boolean): SystemInfo {
  return {
    version: '0.1.0',
    llm: offline ? { provider: 'offline', model: 'offline-v1', offline: true } : { provider: 'openai', model: 'gpt-5', offline: false },
    workspace: { id: 'w1', name: 'Acme' },
    user: { id: 'u1', displayName: 'Ada', role: 'admin' },
  };
}

async function mountHeader(info: SystemInfo | null) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/organization');
  return mountWithPrime(AppHeader, {
    props: { system: info, systemError: null, socketStatus: 'connected' },
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

  it('should offer Workspace, Projects and Organization, marking the current one', async () => {
    const wrapper = await mountHeader(null);
    const links = wrapper.findAll('nav a');
    expect(links.map((a) => a.text())).toEqual(['Workspace', 'Projects', 'Organization']);
    expect(links[2]?.attributes('aria-current')).toBe('page');
    expect(links[0]?.attributes('aria-current')).toBeUndefined();
    expect(links[1]?.attributes('href')).toBe('/projects');
  });
});
