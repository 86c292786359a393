import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { build } from '../components/workforce/testData';
import { json, mockFetch } from '../testing/fetchMock';
import { useAgentBuildsStore } from './agentBuilds';

beforeEach(() => setActivePinia(createPinia()));

const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 10, minute)).toISOString();

describe('agent builds store', () => {
  it('should ignore an update older than the build it already has', () => {
    const store = useAgentBuildsStore();
    const b = build({ status: 'validating', updatedAt: at(2) });
    store.applyUpdated(b);
    store.applyUpdated({ ...b, status: 'drafting', updatedAt: at(1) });
    expect(store.byId[b.id]?.status).toBe('validating');
  });

  it('should put a build started elsewhere at the top of the loaded list', async () => {
    const older = build({ createdAt: at(0), updatedAt: at(0) });
    mockFetch({ 'GET /api/agent-builds': json({ builds: [older], nextCursor: null }) });
    const store = useAgentBuildsStore();
    await store.load();
    const newer = build({ createdAt: at(5), updatedAt: at(5) });
    store.applyUpdated(newer);
    expect(store.list.map((b) => b.id)).toEqual([newer.id, older.id]);
  });

  it('should send only the fields the person filled in when the wizard starts a build', async () => {
    const created = build();
    const { requests } = mockFetch({ 'POST /api/agent-builds': json(created, 201) });
    const store = useAgentBuildsStore();
    const result = await store.create({ request: 'An invoice agent', template: 'customer_service' });
    expect(result?.id).toBe(created.id);
    expect(requests[0]?.body).toEqual({ request: 'An invoice agent', template: 'customer_service' });
    expect(store.byId[created.id]).toBeDefined();
  });

  it('should keep the API error and return null when starting a build fails', async () => {
    mockFetch({
      'POST /api/agent-builds': json({ error: { code: 'agent/exists', message: 'An agent named x exists.' } }, 409),
    });
    const store = useAgentBuildsStore();
    expect(await store.create({ request: 'An invoice agent', name: 'x_agent' })).toBeNull();
    expect(store.createError?.code).toBe('agent/exists');
    expect(store.creating).toBe(false);
  });

  it('should refetch builds that were still moving when the socket reconnects', async () => {
    const moving = build({ status: 'validating', updatedAt: at(1) });
    const done = build({ status: 'deployed', updatedAt: at(1) });
    const { requests } = mockFetch({
      [`GET /api/agent-builds/${moving.id}`]: json({ ...moving, status: 'awaiting_approval', updatedAt: at(3) }),
    });
    const store = useAgentBuildsStore();
    store.applyUpdated(moving);
    store.applyUpdated(done);
    store.resync();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(requests.map((r) => r.url)).toEqual([`/api/agent-builds/${moving.id}`]);
    expect(store.byId[moving.id]?.status).toBe('awaiting_approval');
  });

  it('should show what a build became when cancelling it is refused because it moved on', async () => {
    const moving = build({ status: 'validating', updatedAt: at(1) });
    mockFetch({
      [`POST /api/agent-builds/${moving.id}/cancel`]: json(
        { error: { code: 'agent_build/not_cancellable', message: 'The build is already deployed.' } },
        409,
      ),
      [`GET /api/agent-builds/${moving.id}`]: json({ ...moving, status: 'deployed', updatedAt: at(4) }),
    });
    const store = useAgentBuildsStore();
    store.applyUpdated(moving);
    expect(await store.cancel(moving.id, 'not needed')).toBe(false);
    expect(store.byId[moving.id]?.status).toBe('deployed');
    expect(store.buildErrors[moving.id]?.message).toBe('The build is already deployed.');
    expect(store.cancelling[moving.id]).toBe(false);
  });
});
