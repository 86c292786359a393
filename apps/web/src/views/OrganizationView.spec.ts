import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { agent } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { mountWithPrime } from '../testing/mount';
import OrganizationView from './OrganizationView.vue';

beforeEach(() => setActivePinia(createPinia()));

describe('OrganizationView', () => {
  it('should build the tree from GET /api/agents', async () => {
    mockFetch({
      'GET /api/agents': json({
        agents: [
          agent({ name: 'cto', title: 'CTO', reportsTo: 'ceo', department: 'engineering' }),
          agent({ name: 'ceo', title: 'CEO', type: 'orchestrator' }),
        ],
      }),
    });
    const wrapper = mountWithPrime(OrganizationView);
    expect(wrapper.text()).toContain('Loading the organization');
    await flushPromises();
    expect(wrapper.get('[data-agent="ceo"]').find('[data-agent="cto"]').exists()).toBe(true);
    expect(wrapper.text()).toContain('2 agents in 2 departments');
  });

  it('should show the error from the API with a retry', async () => {
    mockFetch({ 'GET /api/agents': json({ error: { code: 'registry/unavailable', message: 'Registry is loading.' } }, 503) });
    const wrapper = mountWithPrime(OrganizationView);
    await flushPromises();
    expect(wrapper.get('[data-testid="org-error"]').text()).toContain('Registry is loading.');
  });

  it('should show the empty state when no agents are registered', async () => {
    mockFetch({ 'GET /api/agents': json({ agents: [] }) });
    const wrapper = mountWithPrime(OrganizationView);
    await flushPromises();
    expect(wrapper.find('[data-testid="org-empty"]').exists()).toBe(true);
  });
});
