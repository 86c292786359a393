import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { budget, circuit, usage } from '../components/budgets/testData';
import { uuid } from '../testing/factories';
import { json, mockFetch } from '../testing/fetchMock';
import { useBudgetsStore } from './budgets';

beforeEach(() => setActivePinia(createPinia()));

describe('budgets store', () => {
  it('should load budgets sorted by scope, circuits and usage by agent', async () => {
    const project = budget({ scope: 'project', scopeRef: uuid() });
    const agentBudget = budget();
    const { requests } = mockFetch({
      'GET /api/budgets': json({ budgets: [project, agentBudget] }),
      'GET /api/budgets/circuits': json({ circuits: [circuit()] }),
      'GET /api/budgets/usage': json(usage()),
    });
    const store = useBudgetsStore();
    await store.loadAll();
    expect(store.budgets.map((b) => b.id)).toEqual([agentBudget.id, project.id]);
    expect(store.circuits.map((c) => c.agentName)).toEqual(['cfo']);
    expect(store.usage?.rows[0]?.key).toBe('cfo');
    expect(requests.map((r) => r.url)).toContain('/api/budgets/usage?groupBy=agent');
    expect([store.budgetsState, store.circuitsState, store.usageState]).toEqual(['ready', 'ready', 'ready']);
  });

  it('should replace the budget of the same scope, reference and period after a PUT', async () => {
    const old = budget({ tokenHardLimit: 100 });
    const replaced = budget({ id: uuid(), tokenHardLimit: 500, state: 'ok' });
    const { requests } = mockFetch({
      'GET /api/budgets': json({ budgets: [old] }),
      'PUT /api/budgets': json(replaced),
    });
    const store = useBudgetsStore();
    await store.loadBudgets();
    const body = {
      scope: 'agent',
      scopeRef: 'cfo',
      period: 'month',
      tokenSoftLimit: null,
      tokenHardLimit: 500,
      costSoftLimitUsd: null,
      costHardLimitUsd: null,
      enabled: true,
    } as const;
    const outcome = await store.put(body);
    expect(outcome.ok).toBe(true);
    expect(requests.at(-1)).toMatchObject({ method: 'PUT', url: '/api/budgets', body });
    expect(store.budgets).toEqual([replaced]);
  });

  it('should return the API error with its issues when a PUT is rejected, keeping the list', async () => {
    const kept = budget();
    mockFetch({
      'GET /api/budgets': json({ budgets: [kept] }),
      'PUT /api/budgets': json(
        {
          error: {
            code: 'request/invalid',
            message: 'Invalid body: tokenHardLimit: too big',
            issues: [{ path: 'tokenHardLimit', message: 'too big' }],
          },
        },
        400,
      ),
    });
    const store = useBudgetsStore();
    await store.loadBudgets();
    const outcome = await store.put({
      scope: 'agent',
      scopeRef: 'x',
      period: 'day',
      tokenSoftLimit: null,
      tokenHardLimit: 1,
      costSoftLimitUsd: null,
      costHardLimitUsd: null,
      enabled: true,
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('request/invalid');
    expect(outcome.error.status).toBe(400);
    expect(outcome.error.issues).toEqual([{ path: 'tokenHardLimit', message: 'too big' }]);
    expect(store.budgets).toEqual([kept]);
  });

  it('should delete a budget, and drop a row the server no longer has', async () => {
    const a = budget({ scopeRef: 'a' });
    const b = budget({ scopeRef: 'b' });
    const { requests } = mockFetch({
      'GET /api/budgets': json({ budgets: [a, b] }),
      [`DELETE /api/budgets/${a.id}`]: () => ({ status: 204 }),
      [`DELETE /api/budgets/${b.id}`]: json({ error: { code: 'request/not_found', message: 'No such budget.' } }, 404),
    });
    const store = useBudgetsStore();
    await store.loadBudgets();
    expect((await store.remove(a.id)).ok).toBe(true);
    expect(requests.at(-1)?.method).toBe('DELETE');
    expect(store.budgets.map((x) => x.id)).toEqual([b.id]);
    const gone = await store.remove(b.id);
    expect(gone.ok ? null : gone.error.message).toBe('No such budget.');
    expect(store.budgets).toEqual([]);
  });

  it('should reset a circuit and show the closed state the API returns', async () => {
    const open = circuit({ agentName: 'writer' });
    const { requests } = mockFetch({
      'GET /api/budgets/circuits': json({ circuits: [open, circuit({ agentName: 'cfo', state: 'half_open' })] }),
      'POST /api/budgets/circuits/writer/reset': json({
        ...open,
        state: 'closed',
        consecutiveFailures: 0,
        openedAt: null,
        retryAt: null,
      }),
    });
    const store = useBudgetsStore();
    await store.loadCircuits();
    const outcome = await store.resetCircuit('writer');
    expect(outcome.ok).toBe(true);
    expect(requests.at(-1)).toMatchObject({ method: 'POST', url: '/api/budgets/circuits/writer/reset' });
    expect(store.circuits.map((c) => [c.agentName, c.state])).toEqual([
      ['writer', 'closed'],
      ['cfo', 'half_open'],
    ]);
  });

  it('should map failures to one error per section and keep the others loading', async () => {
    mockFetch({
      'GET /api/budgets': json({ error: { code: 'auth/forbidden', message: 'Only admins see budgets.' } }, 403),
      'GET /api/budgets/circuits': json({ circuits: [{ agentName: 'cfo' }] }),
      'GET /api/budgets/usage': json(usage()),
    });
    const store = useBudgetsStore();
    await store.loadAll();
    expect(store.budgetsState).toBe('error');
    expect(store.budgetsError?.code).toBe('auth/forbidden');
    expect(store.budgetsError?.message).toBe('Only admins see budgets.');
    // A response that does not match the contract is an error too, not half-parsed data.
    expect(store.circuitsError?.code).toBe('client/invalid_response');
    expect(store.usageState).toBe('ready');
  });

  it('should ask for the chosen roll-up and ignore a late answer for the previous one', async () => {
    let release: () => void = () => undefined;
    const { requests } = mockFetch({
      'GET /api/budgets/usage': async ({ url }) => {
        if (url.endsWith('groupBy=agent')) {
          await new Promise<void>((resolve) => (release = resolve));
          return { body: usage('agent') };
        }
        return { body: usage('department') };
      },
    });
    const store = useBudgetsStore();
    const slow = store.loadUsage('agent');
    await store.loadUsage('department');
    release();
    await slow;
    expect(requests.map((r) => r.url)).toEqual([
      '/api/budgets/usage?groupBy=agent',
      '/api/budgets/usage?groupBy=department',
    ]);
    expect(store.usage?.groupBy).toBe('department');
    expect(store.usageGroup).toBe('department');
  });
});
