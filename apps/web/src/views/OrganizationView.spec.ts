import { enableAutoUnmount, flushPromises, type VueWrapper } from '@vue/test-utils';
import type { AgentSummary } from '@orchestrator/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { disposeSocket, useSocket } from '../composables/useSocket';
import { useConversationsStore } from '../stores/conversations';
import { agent } from '../testing/factories';
import { FakeSocket } from '../testing/fakeSocket';
import { json, mockFetch } from '../testing/fetchMock';
import { preferReducedMotion, stubFlowLayout } from '../testing/flowLayout';
import { signInAs } from '../testing/identity';
import { mountWithPrime } from '../testing/mount';
import { company } from '../testing/orgCompany';
import { routerAt } from '../testing/router';
import OrganizationView from './OrganizationView.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  preferReducedMotion();
});
afterEach(() => {
  disposeSocket();
  document.body.innerHTML = '';
});
// Registered last so it runs first: unmount, then clear the DOM.
enableAutoUnmount(afterEach);

const roster = [
  agent({ name: 'ceo', title: 'Chief Executive Officer', type: 'orchestrator' }),
  agent({
    name: 'cfo',
    title: 'Chief Financial Officer',
    type: 'orchestrator',
    reportsTo: 'ceo',
    department: 'finance',
  }),
  agent({
    name: 'cto',
    title: 'Chief Technology Officer',
    type: 'orchestrator',
    reportsTo: 'ceo',
    department: 'engineering',
  }),
  agent({
    name: 'recruiter',
    title: 'Recruiter',
    reportsTo: 'cfo',
    department: 'finance',
    maxConcurrent: 2,
    description: 'Finds people.',
  }),
];

async function mountView(
  agents: AgentSummary[],
  path = '/organization',
  router?: Awaited<ReturnType<typeof routerAt>>,
) {
  mockFetch({ 'GET /api/agents': json({ agents }) });
  const r = router ?? (await routerAt(path));
  const wrapper = mountWithPrime(OrganizationView, { global: { plugins: [r] }, attachTo: document.body });
  await settle();
  return { wrapper, router: r };
}

/** Vue Flow sizes its pane and moves its viewport over a few ticks. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

const card = (wrapper: VueWrapper, name: string) =>
  wrapper.find(`[data-testid="org-chart-node"][data-agent="${name}"]`);
const q = (selector: string) => document.body.querySelector<HTMLElement>(selector);

describe('OrganizationView', () => {
  it('should show the hierarchy as nested lists in List mode', async () => {
    const { wrapper } = await mountView(roster, '/organization?view=list');
    expect(wrapper.get('[data-agent="ceo"]').find('[data-agent="cfo"]').find('[data-agent="recruiter"]').exists()).toBe(
      true,
    );
    expect(wrapper.find('[data-testid="org-chart"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('4 agents in 3 departments');
  });

  it('should show the loading state first and the error from the API with a retry', async () => {
    mockFetch({
      'GET /api/agents': json({ error: { code: 'registry/unavailable', message: 'Registry is loading.' } }, 503),
    });
    const router = await routerAt('/organization');
    const wrapper = mountWithPrime(OrganizationView, { global: { plugins: [router] } });
    expect(wrapper.text()).toContain('Loading the organization');
    await flushPromises();
    expect(wrapper.get('[data-testid="org-error"]').text()).toContain('Registry is loading.');
  });

  it('should show the empty state when no agents are registered', async () => {
    const { wrapper } = await mountView([]);
    expect(wrapper.find('[data-testid="org-empty"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="org-chart"]').exists()).toBe(false);
  });

  it('should render only the cards in view when the company has 200 agents', async () => {
    stubFlowLayout({ width: 1000, height: 600 });
    const { wrapper } = await mountView(company(200));

    const shown = wrapper.findAll('[data-testid="org-chart-node"]');
    expect(wrapper.text()).toContain('200 agents in 6 departments');
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.length).toBeLessThan(120);
    // A large company opens at the top: the CEO is in view.
    expect(card(wrapper, 'ceo').exists()).toBe(true);
  }, 30_000);

  it('should dim non-matching agents and go to the first match in List mode too', async () => {
    const { wrapper } = await mountView(roster, '/organization?view=list');
    await wrapper.get('[data-testid="org-search"]').setValue('chief');
    await wrapper.get('[data-testid="org-search"]').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(wrapper.get('[data-agent="recruiter"] .org-card').classes()).toContain('org-card--dimmed');
    expect(wrapper.get('[data-agent="cfo"] .org-card').classes()).not.toContain('org-card--dimmed');
    expect(document.activeElement?.closest('[data-testid="org-node"]')?.getAttribute('data-agent')).toBe('ceo');

    await wrapper.get('[data-agent="recruiter"] [data-testid="org-node-details"]').trigger('click');
    await settle();
    expect(q('[data-testid="agent-panel"]')?.getAttribute('data-agent')).toBe('recruiter');
  });

  it('should switch to the List mode and back with the toggle', async () => {
    const { wrapper, router } = await mountView(roster);
    await wrapper.get('[data-testid="org-view-list"]').trigger('click');
    await settle();
    expect(router.currentRoute.value.query['view']).toBe('list');
    expect(wrapper.findAll('[data-testid="org-node"]')).toHaveLength(4);
    await wrapper.get('[data-testid="org-view-chart"]').trigger('click');
    await settle();
    expect(wrapper.findAll('[data-testid="org-chart-node"]')).toHaveLength(4);
  });

  it('should zoom with named control buttons', async () => {
    const { wrapper } = await mountView(roster);
    const scale = () =>
      Number(/scale\(([\d.]+)\)/.exec(wrapper.get('.vue-flow__transformationpane').attributes('style') ?? '')?.[1]);
    const before = scale();
    const zoomIn = wrapper.get('[data-testid="org-zoom-in"]');
    expect(zoomIn.attributes('aria-label')).toBe('Zoom in');
    await zoomIn.trigger('click');
    await vi.waitFor(() => expect(scale()).toBeGreaterThan(before));
  });

  it('should show title, department, status and load on each card, and the load error of an invalid agent', async () => {
    const broken = agent({
      name: 'broken',
      title: 'Broken',
      reportsTo: 'cto',
      department: 'engineering',
      loadError: 'agents/engineering/broken/agent.yaml: title: Required',
    });
    const { wrapper } = await mountView([...roster, broken]);
    const recruiter = card(wrapper, 'recruiter');
    expect(recruiter.text()).toContain('Recruiter');
    expect(recruiter.text()).toContain('Finance');
    expect(recruiter.get('[data-testid="org-chart-status"]').text()).toBe('Online');
    expect(recruiter.get('[data-testid="org-chart-load"]').text()).toContain('0/2');
    expect(card(wrapper, 'broken').get('[data-testid="agent-load-error"]').text()).toContain('title: Required');
    expect(card(wrapper, 'broken').attributes('aria-label')).toContain('definition error');
  });

  it('should update status and load live without moving any card when agent.status_changed arrives', async () => {
    const fake = new FakeSocket();
    useSocket({ createSocket: () => fake.asSocket() });
    fake.simulateConnect();
    const { wrapper } = await mountView(roster);
    const wrapperOf = (name: string) => card(wrapper, name).element.closest<HTMLElement>('.vue-flow__node')!;
    const before = ['ceo', 'cfo', 'recruiter'].map((name) => wrapperOf(name).style.transform);

    fake.serverEmit('agent.status_changed', { name: 'recruiter', status: 'busy', currentLoad: 1, maxConcurrent: 2 });
    await settle();

    expect(card(wrapper, 'recruiter').attributes('data-status')).toBe('busy');
    expect(card(wrapper, 'recruiter').get('[data-testid="org-chart-load"]').text()).toContain('1/2');
    expect(['ceo', 'cfo', 'recruiter'].map((name) => wrapperOf(name).style.transform)).toEqual(before);
  });

  it('should lay the chart out again and highlight the new agent when registry.reloaded adds one', async () => {
    const fake = new FakeSocket();
    useSocket({ createSocket: () => fake.asSocket() });
    fake.simulateConnect();
    const { wrapper } = await mountView(roster);
    expect(wrapper.find('[data-fresh="true"]').exists()).toBe(false);

    const built = agent({
      name: 'churn_analyst',
      title: 'Churn Analyst',
      reportsTo: 'cfo',
      department: 'finance',
      status: 'being_created',
    });
    fake.serverEmit('registry.reloaded', { agents: [...roster, built], problems: [] });
    await settle();

    expect(card(wrapper, 'churn_analyst').attributes('data-fresh')).toBe('true');
    expect(card(wrapper, 'churn_analyst').text()).toContain('Being created');
    expect(card(wrapper, 'cfo').attributes('data-fresh')).toBeUndefined();
    expect(wrapper.get('[data-testid="org-announcement"]').text()).toContain('new agent Churn Analyst');
  });

  it('should move the focus with the arrow keys and open the details with Enter', async () => {
    const { wrapper } = await mountView(roster);
    const ceo = card(wrapper, 'ceo');
    expect(ceo.attributes('tabindex')).toBe('0');
    expect(card(wrapper, 'cfo').attributes('tabindex')).toBe('-1');

    (ceo.element as HTMLElement).focus();
    await ceo.trigger('keydown', { key: 'ArrowDown' });
    await settle();
    expect(document.activeElement?.getAttribute('data-agent')).toBe('cfo');
    expect(card(wrapper, 'cfo').attributes('tabindex')).toBe('0');

    await card(wrapper, 'cfo').trigger('keydown', { key: 'ArrowRight' });
    await settle();
    expect(document.activeElement?.getAttribute('data-agent')).toBe('cto');

    await card(wrapper, 'cto').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(q('[data-testid="agent-panel"]')?.getAttribute('data-agent')).toBe('cto');
    expect(q('[data-testid="agent-panel"]')?.textContent).toContain('Chief Technology Officer');
  });

  it('should show the details with the manager and reports when a card is clicked', async () => {
    const { wrapper } = await mountView(roster);
    await card(wrapper, 'cfo').trigger('click');
    await settle();
    const panel = q('[data-testid="agent-panel"]')!;
    expect(panel.textContent).toContain('Chief Executive Officer');
    expect(panel.textContent).toContain('Recruiter');
    expect(panel.querySelector('[data-testid="agent-panel-load"]')?.textContent).toContain('0 of 1 tasks');
  });

  it('should link to the agent in the Workforce view when that route exists, and not at all otherwise', async () => {
    const router = await routerAt('/organization');
    if (!router.hasRoute('workforce')) {
      router.addRoute({
        path: '/workforce/:agentName?',
        name: 'workforce',
        component: defineComponent({ template: '<div />' }),
      });
    }
    const { wrapper } = await mountView(roster, '/organization', router);
    await card(wrapper, 'recruiter').trigger('click');
    await settle();
    expect(q('[data-testid="agent-open-workforce"]')?.getAttribute('href')).toBe('/workforce/recruiter');

    router.removeRoute('workforce');
    await card(wrapper, 'cfo').trigger('click');
    await settle();
    expect(q('[data-testid="agent-panel"]')?.getAttribute('data-agent')).toBe('cfo');
    expect(q('[data-testid="agent-open-workforce"]')).toBeNull();
  });

  it('should prefill a new Workspace conversation with the task addressed to the agent when a task is delegated', async () => {
    signInAs('member');
    const { wrapper, router } = await mountView(roster);
    await card(wrapper, 'recruiter').trigger('click');
    await settle();
    const textarea = q('[data-testid="delegate-task"]') as HTMLTextAreaElement;
    textarea.value = 'Draft a job ad for a data engineer';
    textarea.dispatchEvent(new Event('input'));
    await flushPromises();
    expect(q('[data-testid="delegate-preview"]')?.textContent).toContain(
      '“Ask the Recruiter to draft a job ad for a data engineer”',
    );

    q('[data-testid="delegate-form"]')!.dispatchEvent(new Event('submit'));
    await settle();

    expect(useConversationsStore().composerRequest).toMatchObject({
      conversationId: null,
      text: 'Ask the Recruiter to draft a job ad for a data engineer',
    });
    // The workspace route's component is loaded lazily, which can take a moment on a busy machine.
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('workspace'), { timeout: 10_000 });
  });

  it('should not let a viewer delegate a task, saying why', async () => {
    signInAs('viewer');
    const { wrapper, router } = await mountView(roster);
    await card(wrapper, 'recruiter').trigger('click');
    await settle();
    expect((q('[data-testid="delegate-task"]') as HTMLTextAreaElement).disabled).toBe(true);
    const submit = q('[data-testid="delegate-submit"]') as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(submit.title).toBe('Needs the member role');
    expect(q('[data-testid="delegate-preview"]')?.textContent).toContain('Needs the member role to delegate tasks');

    q('[data-testid="delegate-form"]')!.dispatchEvent(new Event('submit'));
    await settle();
    expect(useConversationsStore().composerRequest).toBeNull();
    expect(router.currentRoute.value.name).toBe('organization');
  });

  it('should refuse to delegate to an agent whose definition does not load', async () => {
    signInAs('member');
    const broken = agent({
      name: 'broken',
      title: 'Broken',
      reportsTo: 'cto',
      loadError: 'agents/x/broken/agent.yaml: bad',
    });
    const { wrapper } = await mountView([...roster, broken]);
    await card(wrapper, 'broken').trigger('click');
    await settle();
    expect(q('[data-testid="agent-panel-error"]')?.textContent).toContain('agents/x/broken/agent.yaml: bad');
    expect((q('[data-testid="delegate-submit"]') as HTMLButtonElement).disabled).toBe(true);
    expect(q('[data-testid="delegate-preview"]')?.textContent).toContain('cannot take tasks');
  });

  it('should fold a long column of specialists into a count that unfolds when pressed, and again with the control', async () => {
    const specialists = ['Analyst', 'Auditor', 'Controller', 'Treasurer'].map((title) =>
      agent({ name: title.toLowerCase(), title, reportsTo: 'cfo', department: 'finance' }),
    );
    const { wrapper } = await mountView([...roster, ...specialists]);
    const group = wrapper.get('[data-testid="org-chart-group"][data-manager="cfo"]');
    expect(group.text()).toContain('5 specialists');
    expect(group.attributes('aria-label')).toContain('Analyst, Auditor, Controller, Recruiter, Treasurer');
    expect(card(wrapper, 'auditor').exists()).toBe(false);

    await group.trigger('click');
    await settle();
    expect(card(wrapper, 'auditor').exists()).toBe(true);
    expect(wrapper.find('[data-testid="org-chart-group"]').exists()).toBe(false);

    await wrapper.get('[data-testid="org-collapse-all"]').trigger('click');
    await settle();
    expect(wrapper.find('[data-testid="org-chart-group"][data-manager="cfo"]').exists()).toBe(true);
    // Searching for a folded specialist unfolds its column and puts the focus on its card.
    await wrapper.get('[data-testid="org-search"]').setValue('treasurer');
    await wrapper.get('[data-testid="org-search"]').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(document.activeElement?.getAttribute('data-agent')).toBe('treasurer');
  });

  it('should dim the agents outside the chosen department and count matches when searching', async () => {
    const { wrapper } = await mountView(roster);
    await wrapper.get('[data-testid="org-filter-department"]').setValue('finance');
    await settle();
    expect(card(wrapper, 'cfo').attributes('data-dimmed')).toBeUndefined();
    expect(card(wrapper, 'recruiter').attributes('data-dimmed')).toBeUndefined();
    expect(card(wrapper, 'cto').attributes('data-dimmed')).toBe('true');
    expect(wrapper.get('[data-testid="org-match-count"]').text()).toContain('2 matches');

    await wrapper.get('[data-testid="org-filter-department"]').setValue('');
    await wrapper.get('[data-testid="org-search"]').setValue('recru');
    await wrapper.get('[data-testid="org-search"]').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(card(wrapper, 'ceo').attributes('data-dimmed')).toBe('true');
    expect(document.activeElement?.getAttribute('data-agent')).toBe('recruiter');
  });
});
