import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { RouterView } from 'vue-router';
import { budget, circuit, usage } from '../components/budgets/testData';
import { agent, uuid } from '../testing/factories';
import { json, mockFetch, type RecordedRequest } from '../testing/fetchMock';
import { mountWithPrime } from '../testing/mount';
import { routerAt } from '../testing/router';
import { signInAs } from '../testing/identity';

// Role-aware controls need a role: these tests act as an admin.
beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});
afterEach(() => {
  document.body.innerHTML = '';
});
// Registered last so it runs first: unmount, then clear the DOM.
enableAutoUnmount(afterEach);

const cfo = budget({
  scopeRef: 'cfo',
  tokensUsed: 20_000,
  tokenHardLimit: 100_000,
  costUsedUsd: 6,
  costSoftLimitUsd: 5,
  costHardLimitUsd: 10,
  state: 'soft',
});
const marketing = budget({
  scope: 'department',
  scopeRef: 'marketing',
  period: 'total',
  tokenHardLimit: 1000,
  tokensUsed: 1000,
  costSoftLimitUsd: null,
  costHardLimitUsd: null,
  state: 'hard',
  hardStoppedAt: '2026-11-20T11:00:00.000Z',
});

function serve(routes: Parameters<typeof mockFetch>[0] = {}, budgets = [cfo, marketing]) {
  return mockFetch({
    'GET /api/budgets': json({ budgets }),
    'GET /api/budgets/circuits': json({
      circuits: [
        circuit({ agentName: 'writer' }),
        circuit({ agentName: 'cfo', state: 'closed', consecutiveFailures: 1, openedAt: null, retryAt: null }),
      ],
    }),
    'GET /api/budgets/usage': json(usage()),
    'GET /api/agents': json({
      agents: [
        agent({ name: 'cfo', title: 'CFO', department: 'finance' }),
        agent({ name: 'writer', title: 'Blog Post Writer', department: 'marketing' }),
      ],
    }),
    'GET /api/projects': json({ projects: [], nextCursor: null }),
    ...routes,
  });
}

async function mountAt() {
  const router = await routerAt('/budgets');
  const Shell = defineComponent({ render: () => h(RouterView) });
  const wrapper = mountWithPrime(Shell, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const inDialog = <E extends Element = HTMLElement>(testid: string) =>
  document.body.querySelector<E>(`[data-testid="budget-dialog"] [data-testid="${testid}"]`);
async function type(testid: string, value: string) {
  const input = inDialog<HTMLInputElement>(testid)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}
/** Opens the scope picker, filters it as a person types, and picks the option read as `label`. */
async function choose(label: string, typed = label) {
  inDialog<HTMLElement>('budget-ref')!.click();
  await flushPromises();
  const filter = document.body.querySelector<HTMLInputElement>('[data-testid="budget-ref-options"] input');
  if (filter) {
    filter.value = typed;
    filter.dispatchEvent(new Event('input'));
    await flushPromises();
  }
  const options = [
    ...document.body.querySelectorAll<HTMLElement>('[data-testid="budget-ref-options"] [role="option"]'),
  ];
  const option = options.find((o) => o.getAttribute('aria-label') === label);
  if (!option) throw new Error(`no option ${label} in ${options.map((o) => o.getAttribute('aria-label')).join(', ')}`);
  // PrimeVue picks an option on mousedown (before the overlay loses focus), as a person's press does.
  option.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
  await flushPromises();
}
async function save() {
  inDialog<HTMLButtonElement>('budget-save')!.click();
  await flushPromises();
}
const click = async (selector: string) => {
  document.body.querySelector<HTMLButtonElement>(selector)!.click();
  await flushPromises();
};
const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== 'GET');

describe('BudgetsView', () => {
  it('should list budgets with their usage against the limits, circuits and usage by agent', async () => {
    serve();
    const wrapper = await mountAt();

    const rows = wrapper.findAll('[data-testid="budget-row"]');
    expect(rows.map((r) => [r.attributes('data-budget-id'), r.attributes('data-state')])).toEqual([
      [cfo.id, 'soft'],
      [marketing.id, 'hard'],
    ]);
    const first = rows[0]!;
    expect(first.get('[data-testid="budget-ref-label"]').text()).toBe('CFO');
    expect(first.get('[data-testid="budget-tokens"]').text()).toContain('20,000 · hard 100,000');
    expect(first.get('[data-testid="budget-tokens"] [data-tone]').attributes('data-tone')).toBe('ok');
    expect(first.get('[data-testid="budget-cost"]').text()).toContain('$6.00 · soft $5.00 · hard $10.00');
    expect(first.get('[data-testid="budget-cost"] [data-tone]').attributes('data-tone')).toBe('soft');
    expect(first.get('[data-testid="budget-cost"] [role="progressbar"]').attributes('aria-valuenow')).toBe('60');
    expect(first.get('[data-testid="budget-state"]').text()).toBe('Soft limit reached');
    const second = rows[1]!;
    expect(second.get('[data-testid="budget-state"]').text()).toBe('Stopped');
    expect(second.get('[data-testid="budget-tokens"] [data-tone]').attributes('data-tone')).toBe('hard');
    expect(second.get('[data-testid="budget-cost"]').text()).toContain('no limit');

    const circuits = wrapper.findAll('[data-testid="circuit-row"]');
    expect(
      circuits.map((c) => [
        c.attributes('data-agent'),
        c.attributes('data-state'),
        c.find('[data-testid="circuit-reset"]').exists(),
      ]),
    ).toEqual([
      ['writer', 'open', true],
      ['cfo', 'closed', false],
    ]);
    expect(circuits[0]!.text()).toContain('provider timeout');
    expect(wrapper.get('[data-testid="usage-row"] th').text()).toBe('CFO');
    expect(wrapper.get('[data-testid="usage-total"]').text()).toContain('$0.25');
  });

  it('should list the LLM calls behind a usage row when its number of calls is pressed', async () => {
    const projectId = uuid();
    const { requests } = serve({
      'GET /api/budgets/usage/calls': json({
        total: 3,
        calls: [
          {
            id: uuid(),
            createdAt: '2026-11-20T10:00:00.000Z',
            provider: 'openai',
            model: 'gpt-test',
            agentName: 'cfo',
            agentTitle: 'CFO',
            projectId,
            projectTitle: 'Q3 budget review',
            stepKey: 'forecast',
            stepName: 'Forecast the quarter',
            conversationId: null,
            promptTokens: 1200,
            completionTokens: 300,
            totalTokens: 1500,
            costUsd: 0.0123,
            durationMs: 2400,
          },
        ],
      }),
    });
    const wrapper = await mountAt();
    const calls = wrapper.get('[data-testid="usage-row"][data-key="cfo"] [data-testid="usage-calls"]');
    expect(calls.text()).toBe('3');
    await calls.trigger('click');
    await flushPromises();

    expect(requests.map((r) => r.url)).toContain('/api/budgets/usage/calls?groupBy=agent&limit=50&key=cfo');
    const dialog = document.body.querySelector('[data-testid="usage-calls-dialog"]')!;
    expect(dialog.textContent).toContain('LLM calls: CFO');
    expect(dialog.querySelector('[data-testid="usage-calls-summary"]')?.textContent).toContain(
      'The newest 1 of 3 calls',
    );
    const row = dialog.querySelector('[data-testid="usage-call"]')!;
    expect(row.textContent).toContain('Q3 budget review · Forecast the quarter');
    expect(row.textContent).toContain('openai · gpt-test');
    expect(row.textContent).toContain('1,200 · 300');
    expect(row.querySelector('a')?.getAttribute('href')).toBe(`/projects/${projectId}`);
  });

  it('should say when there are no budgets yet', async () => {
    serve({}, []);
    const wrapper = await mountAt();
    expect(wrapper.get('[data-testid="budgets-empty"]').text()).toContain('No budgets yet');
    expect(wrapper.find('[data-testid="budgets-table"]').exists()).toBe(false);
  });

  it('should show why the budgets could not load', async () => {
    serve({
      'GET /api/budgets': json({ error: { code: 'auth/forbidden', message: 'Only admins manage budgets.' } }, 403),
    });
    const wrapper = await mountAt();
    expect(wrapper.get('[data-testid="budgets-error"]').text()).toContain('Only admins manage budgets.');
    expect(wrapper.findAll('[data-testid="circuit-row"]')).toHaveLength(2);
  });

  it('should create a budget from the dialog with a valid PUT and list it', async () => {
    const created = budget({
      scopeRef: 'writer',
      tokenHardLimit: 50_000,
      tokenSoftLimit: null,
      costSoftLimitUsd: null,
      costHardLimitUsd: 2.5,
      state: 'ok',
    });
    const { requests } = serve({ 'PUT /api/budgets': json(created) });
    const wrapper = await mountAt();
    await wrapper.get('[data-testid="budget-new"]').trigger('click');
    await flushPromises();
    expect(document.body.querySelector('[data-testid="budget-dialog"]')?.textContent).toContain(
      'replaces any budget with the same three',
    );

    await choose('Blog Post Writer', 'blog post');
    await type('budget-tokenHardLimit', '50,000');
    await type('budget-costHardLimitUsd', '2.5');
    await save();

    expect(writes(requests)).toEqual([
      {
        method: 'PUT',
        url: '/api/budgets',
        contentType: 'application/json',
        body: {
          scope: 'agent',
          scopeRef: 'writer',
          period: 'month',
          tokenSoftLimit: null,
          tokenHardLimit: 50_000,
          costSoftLimitUsd: null,
          costHardLimitUsd: 2.5,
          enabled: true,
        },
      },
    ]);
    expect(document.body.querySelector('[data-testid="budget-dialog"]')).toBeNull();
    expect(wrapper.findAll('[data-testid="budget-row"]').map((r) => r.attributes('data-budget-id'))).toContain(
      created.id,
    );
    expect(wrapper.get('[data-testid="budgets-notice"]').text()).toContain(
      'Saved the month budget of agent “Blog Post Writer”',
    );
  });

  it('should say in words what is missing or wrong and send nothing when the form is incomplete', async () => {
    const { requests } = serve();
    const wrapper = await mountAt();
    await wrapper.get('[data-testid="budget-new"]').trigger('click');
    await flushPromises();
    await save();
    expect(inDialog('budget-error-scopeRef')?.textContent).toBe('Choose an agent.');
    expect(inDialog('budget-form-error')?.textContent).toContain('Set at least one limit');

    await choose('CFO');
    await type('budget-tokenHardLimit', '-5');
    await type('budget-costHardLimitUsd', 'lots');
    await save();
    expect(inDialog('budget-error-scopeRef')).toBeNull();
    expect(inDialog('budget-error-tokenHardLimit')?.textContent).toBe(
      'Enter a number above 0, or leave it empty for no limit.',
    );
    expect(inDialog('budget-error-costHardLimitUsd')?.textContent).toBe(
      'Enter a number, or leave it empty for no limit.',
    );

    await type('budget-tokenHardLimit', '1000');
    await type('budget-costHardLimitUsd', '');
    await type('budget-tokenSoftLimit', '2000.5');
    await save();
    expect(inDialog('budget-error-tokenSoftLimit')?.textContent).toBe('Enter a whole number of tokens.');
    await type('budget-tokenSoftLimit', '2000');
    await save();
    expect(inDialog('budget-error-tokenSoftLimit')?.textContent).toContain('no higher than the hard limit');
    expect(inDialog('budget-error-tokenHardLimit')).toBeNull();
    expect(writes(requests)).toEqual([]);
  });

  it('should show the API issues at their fields when the server rejects the budget', async () => {
    serve({
      'PUT /api/budgets': json(
        {
          error: {
            code: 'request/invalid',
            message: 'Invalid body: scopeRef: no such agent',
            issues: [{ path: 'scopeRef', message: 'no such agent' }],
          },
        },
        400,
      ),
    });
    const wrapper = await mountAt();
    await wrapper.findAll('[data-testid="budget-edit"]')[0]!.trigger('click');
    await flushPromises();
    expect(inDialog('budget-ref')?.textContent).toContain('CFO');
    expect(inDialog<HTMLInputElement>('budget-costSoftLimitUsd')?.value).toBe('5');
    await choose('Blog Post Writer');
    await save();
    expect(inDialog('budget-error-scopeRef')?.textContent).toBe('Choose an agent from the list.');
    expect(inDialog('budget-form-error')?.textContent).toContain('Invalid body: scopeRef: no such agent');
  });

  it('should reset an open circuit only after confirming', async () => {
    const { requests } = serve({
      'POST /api/budgets/circuits/writer/reset': json(
        circuit({ agentName: 'writer', state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null }),
      ),
    });
    const wrapper = await mountAt();
    await wrapper
      .get('[data-testid="circuit-row"][data-agent="writer"] [data-testid="circuit-reset"]')
      .trigger('click');
    await flushPromises();
    expect(document.body.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain(
      'Close the circuit breaker of writer?',
    );
    expect(writes(requests)).toEqual([]);

    await click('[data-testid="confirm-accept"]');

    expect(writes(requests).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/budgets/circuits/writer/reset']);
    expect(wrapper.get('[data-testid="circuit-row"][data-agent="writer"]').attributes('data-state')).toBe('closed');
    expect(wrapper.find('[data-testid="circuit-reset"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="budgets-notice"]').text()).toContain('writer is closed again');
  });

  it('should delete a budget after confirming, and keep it when cancelled', async () => {
    const { requests } = serve({ [`DELETE /api/budgets/${marketing.id}`]: () => ({ status: 204 }) });
    const wrapper = await mountAt();
    const deleteButton = () => wrapper.get(`[data-budget-id="${marketing.id}"] [data-testid="budget-delete"]`);

    await deleteButton().trigger('click');
    await flushPromises();
    await click('[data-testid="confirm-cancel"]');
    expect(writes(requests)).toEqual([]);

    await deleteButton().trigger('click');
    await flushPromises();
    expect(document.body.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain(
      'Delete the total budget of department “Marketing”?',
    );
    await click('[data-testid="confirm-accept"]');
    expect(writes(requests).map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE /api/budgets/${marketing.id}`]);
    expect(wrapper.findAll('[data-testid="budget-row"]').map((r) => r.attributes('data-budget-id'))).toEqual([cfo.id]);
  });

  it('should show budgets to a member without letting them change any, saying why', async () => {
    signInAs('member');
    const { requests } = serve();
    const wrapper = await mountAt();
    expect(wrapper.get('[data-testid="budgets-role-notice"]').text()).toBe(
      'Needs the admin role to change budgets or reset circuit breakers.',
    );
    for (const testid of ['budget-new', 'budget-edit', 'budget-delete', 'circuit-reset']) {
      const button = wrapper.get(`[data-testid="${testid}"]`);
      expect(button.attributes('disabled')).toBeDefined();
      expect(button.attributes('title')).toBe('Needs the admin role');
    }
    expect(writes(requests)).toEqual([]);
  });
});
