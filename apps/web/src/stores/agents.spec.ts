import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { watch } from 'vue';
import { agent } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { useAgentsStore } from './agents';

beforeEach(() => setActivePinia(createPinia()));

const roster = [
  agent({ name: 'ceo', title: 'CEO', type: 'orchestrator' }),
  agent({ name: 'cfo', title: 'CFO', type: 'orchestrator', reportsTo: 'ceo', department: 'finance' }),
];

describe('agents store', () => {
  it('should patch one agent in place without rebuilding the hierarchy when its status changes', async () => {
    mockFetch({ 'GET /api/agents': json({ agents: roster }) });
    const store = useAgentsStore();
    await store.load();
    const tree = store.tree;
    let rebuilt = 0;
    const stop = watch(
      () => store.tree,
      () => (rebuilt += 1),
      { flush: 'sync' },
    );

    store.applyStatusChanged({ name: 'cfo', status: 'busy', currentLoad: 2, maxConcurrent: 3 });

    expect(store.byName['cfo']).toMatchObject({ status: 'busy', currentLoad: 2, maxConcurrent: 3 });
    expect(store.tree).toBe(tree);
    expect(rebuilt).toBe(0);
    stop();
  });

  it('should ignore a status change when the agent is unknown', async () => {
    mockFetch({ 'GET /api/agents': json({ agents: roster }) });
    const store = useAgentsStore();
    await store.load();
    store.applyStatusChanged({ name: 'ghost', status: 'busy', currentLoad: 1, maxConcurrent: 1 });
    expect(Object.keys(store.byName)).toEqual(['ceo', 'cfo']);
  });

  it('should replace the list and remember the new agents when the registry reloads', async () => {
    mockFetch({ 'GET /api/agents': json({ agents: roster }) });
    const store = useAgentsStore();
    await store.load();
    expect(store.added).toEqual([]);

    const built = agent({ name: 'churn_analyst', title: 'Churn Analyst', reportsTo: 'cfo', status: 'being_created' });
    store.applyRegistryReloaded({
      agents: [...roster, built],
      problems: [{ path: 'agents/finance/broken/agent.yaml', message: 'title: Required' }],
    });

    expect(store.byName['churn_analyst']?.status).toBe('being_created');
    expect(store.added).toEqual(['churn_analyst']);
    expect(store.problems).toHaveLength(1);
    expect(store.tree[0]?.children[0]?.children.map((n) => n.agent.name)).toEqual(['churn_analyst']);
  });

  it('should not call the first list of agents new when it arrives by a reload event', () => {
    const store = useAgentsStore();
    store.applyRegistryReloaded({ agents: roster, problems: [] });
    expect(store.state).toBe('ready');
    expect(store.added).toEqual([]);
  });

  it('should refetch after a reconnect only when the list was loaded before', async () => {
    const { requests } = mockFetch({ 'GET /api/agents': json({ agents: roster }) });
    const store = useAgentsStore();
    store.resync();
    expect(requests).toHaveLength(0);
    await store.load();
    store.resync();
    await store.load();
    expect(requests).toHaveLength(2);
  });

  it('should keep the error when the list cannot be loaded', async () => {
    mockFetch({
      'GET /api/agents': json({ error: { code: 'registry/unavailable', message: 'Registry is loading.' } }, 503),
    });
    const store = useAgentsStore();
    await store.load();
    expect(store.state).toBe('error');
    expect(store.error?.message).toBe('Registry is loading.');
  });
});
